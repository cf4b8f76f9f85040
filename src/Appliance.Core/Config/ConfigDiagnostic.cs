using Appliance.Core.Collections;

namespace Appliance.Core.Config;

public enum ConfigSeverity
{
    /// <summary>The configuration is refused: ignoring the line could change what Appliance does.</summary>
    Error,

    /// <summary>Something was skipped that cannot change behaviour; the message ends in ", ignoring".</summary>
    Warning,
}

/// <summary>One problem in a configuration file, located the way compilers and systemd do: <c>FILE:LINE: message</c>.</summary>
public sealed record ConfigDiagnostic(ConfigSeverity Severity, string File, int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}

/// <summary>The configuration could not be used; every error is listed, not only the first.</summary>
public sealed class ConfigException(IReadOnlyList<ConfigDiagnostic> diagnostics)
    : Exception(string.Join("\n", diagnostics.Filter(d => d.Severity == ConfigSeverity.Error)))
{
    public IReadOnlyList<ConfigDiagnostic> Diagnostics { get; } = diagnostics;
}
