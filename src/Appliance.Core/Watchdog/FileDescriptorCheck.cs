using System.Globalization;
using Appliance.Core.Health;

namespace Appliance.Core.Watchdog;

/// <summary>
/// The file-descriptor check's judgement over <c>/proc/sys/fs/file-nr</c>: three numbers,
/// allocated handles, allocated-but-unused (always 0 since 2.6), and the maximum
/// (Documentation/admin-guide/sysctl/fs.rst). Running out makes every open() fail, the
/// daemon's and sshd's included.
/// </summary>
public static class FileDescriptorCheck
{
    public static CheckOutcome Evaluate(string fileNr, int maxPercent)
    {
        var fields = fileNr.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 3
            || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out long allocated)
            || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out long unused)
            || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out long max)
            || max <= 0)
        {
            return CheckOutcome.Error($"cannot parse file-nr '{fileNr.Trim()}'; expected three numbers");
        }

        long inUse = allocated - unused;
        double percent = 100.0 * inUse / max;
        string text = $"{inUse} of {max} file handles in use ({percent.ToString("0.0", CultureInfo.InvariantCulture)}%, limit {maxPercent}%)";
        return percent >= maxPercent ? CheckOutcome.Fail(text) : CheckOutcome.Pass(text);
    }
}
