namespace Appliance.Core.Health;

/// <summary>
/// The configuration of one built-in check, from a <c>[Check:NAME]</c> section. Each type of
/// check derives its own record with its thresholds; the fields here are common to all.
/// </summary>
/// <param name="Name">The NAME of the section; the check's name in the report.</param>
/// <param name="Enabled">Whether it runs at all.</param>
/// <param name="Required">Whether a failure fails the boot (otherwise it is a warning).</param>
public abstract record BuiltinCheckSettings(string Name, bool Enabled, bool Required)
{
    /// <summary>The <c>Type=</c> of the section: systemd, load, memory, fd, filesystem, freshness, process or i2c-temperature.</summary>
    public abstract string Type { get; }
}
