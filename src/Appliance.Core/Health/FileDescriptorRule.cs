using System.Globalization;

namespace Appliance.Core.Health;

public sealed record FileDescriptorSettings(string Name = FileDescriptorRule.Type, bool Enabled = true, bool Required = false, double MaxUsedPercent = 90)
    : BuiltinCheckSettings(Name, Enabled, Required)
{
    public override string Type => FileDescriptorRule.Type;
}

public readonly record struct FileHandles(ulong Allocated, ulong Unused, ulong Max)
{
    public ulong Used => Allocated >= Unused ? Allocated - Unused : 0;
}

/// <summary>
/// System-wide file handles from <c>/proc/sys/fs/file-nr</c>: allocated, allocated but unused
/// (always 0 since Linux 2.6), and the maximum, file-max (Documentation/admin-guide/sysctl/fs.rst).
/// When they run out every open() fails with ENFILE and the machine is as good as hung.
/// The boot validator's <c>[Check:fd]</c> and the watchdog daemon's <c>fds</c> probe both judge by
/// this rule; where they once differed, the stricter reading holds: exactly three numbers, a
/// non-zero maximum, and failing at the limit, not only above it.
/// </summary>
public static class FileDescriptorRule
{
    public const string Type = "fd";

    public static FileHandles? Parse(string text)
    {
        string[] f = text.Split(['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (f.Length != 3
            || !ulong.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out ulong allocated)
            || !ulong.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong unused)
            || !ulong.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out ulong max)
            || max == 0)
        {
            return null;
        }

        return new FileHandles(allocated, unused, max);
    }

    public static CheckOutcome Evaluate(FileHandles handles, FileDescriptorSettings settings)
    {
        // file-max can be near ULONG_MAX on recent kernels; double keeps the division safe.
        double percent = 100.0 * handles.Used / handles.Max;
        string numbers = string.Create(CultureInfo.InvariantCulture, $"{handles.Used} of {handles.Max} file handles in use ({percent:0.##}%)");
        return percent >= settings.MaxUsedPercent
            ? CheckOutcome.Fail(string.Create(CultureInfo.InvariantCulture, $"{numbers}: at or above MaxUsedPercent={settings.MaxUsedPercent}"))
            : CheckOutcome.Pass(numbers);
    }
}
