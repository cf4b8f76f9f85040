using Appliance.Core.Firmware;

namespace Appliance.Linux.Kernel;

/// <summary>
/// Reads BootCurrent, BootNext and BootOrder from efivarfs under a root directory; parsing is
/// <see cref="EfiBootVariables"/>'. Read only: Appliance never writes firmware variables.
/// </summary>
public static class EfiBootVariablesReader
{
    /// <summary>Where systemd and the kernel's documentation mount efivarfs (Documentation/filesystems/efivarfs.rst).</summary>
    public const string EfivarsDirectory = "sys/firmware/efi/efivars";

    /// <summary>The report, or null when <c>&lt;root&gt;/sys/firmware/efi/efivars</c> does not exist (BIOS boot, or no EFI runtime services).</summary>
    public static FirmwareBootReport? Read(string root)
    {
        string directory = Path.Combine(root, EfivarsDirectory);
        if (!Directory.Exists(directory))
        {
            return null;
        }

        var problems = new List<string>();
        byte[]? current = ReadVariable(directory, EfiBootVariables.BootCurrent, problems);
        byte[]? next = ReadVariable(directory, EfiBootVariables.BootNext, problems);
        byte[]? order = ReadVariable(directory, EfiBootVariables.BootOrder, problems);
        if (current is null && next is null && order is null && problems.Count == 0 && IsEmpty(directory))
        {
            // sysfs makes the mount point whether or not efivarfs is mounted on it.
            problems.Add($"{directory} is empty: efivarfs is not mounted there ('mount -t efivarfs efivarfs /sys/firmware/efi/efivars')");
        }

        return EfiBootVariables.Report(current, next, order, problems);
    }

    private static bool IsEmpty(string directory)
    {
        using var entries = Directory.EnumerateFileSystemEntries(directory).GetEnumerator();
        return !entries.MoveNext();
    }

    private static byte[]? ReadVariable(string directory, string name, List<string> problems)
    {
        string path = Path.Combine(directory, EfiBootVariables.FileName(name));
        try
        {
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{name}: cannot read {path}: {e.Message}");
            return null;
        }
    }
}
