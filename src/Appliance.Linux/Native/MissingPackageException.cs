namespace Appliance.Linux.Native;

/// <summary>A shared library Appliance loads at run time is not installed; the message names the Debian package that ships it.</summary>
public sealed class MissingPackageException(string package, string message, Exception? inner = null)
    : Exception($"{message}; install the {package} package (apt install {package})", inner)
{
    public string Package { get; } = package;
}
