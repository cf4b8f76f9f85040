namespace Appliance.Linux.Config;

/// <summary>System paths resolved under the global <c>--root</c>.</summary>
public static class RootedPath
{
    /// <summary><paramref name="absolute"/> (e.g. <c>/etc/appliance</c>) under <paramref name="root"/>; <c>Path.Combine</c> would drop the root.</summary>
    public static string Resolve(string root, string absolute) => Path.Join(root, absolute.TrimStart('/'));
}
