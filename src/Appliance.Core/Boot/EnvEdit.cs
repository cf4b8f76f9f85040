using Appliance.Core.Grubenv;

namespace Appliance.Core.Boot;

/// <summary>A change to grubenv, as data: applied all at once, or not at all, by the store.</summary>
public sealed record EnvEdit(IReadOnlyList<KeyValuePair<string, string>> Sets, IReadOnlyList<string> Unsets)
{
    public static EnvEdit None { get; } = new([], []);

    public bool IsEmpty => Sets.Count == 0 && Unsets.Count == 0;

    public void ApplyTo(GrubEnvBlock block)
    {
        foreach (var (name, value) in Sets)
        {
            block.Set(name, value);
        }

        foreach (string name in Unsets)
        {
            block.Unset(name);
        }
    }
}
