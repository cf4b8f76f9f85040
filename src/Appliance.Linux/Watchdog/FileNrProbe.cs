using Appliance.Core.Health;
using Appliance.Core.Watchdog;

namespace Appliance.Linux.Watchdog;

/// <summary>Reads <c>/proc/sys/fs/file-nr</c> for the file-descriptor check.</summary>
public sealed class FileNrProbe(string root, int maxPercent) : IWatchdogCheck
{
    public bool OwnThread => false;

    public string Name => BuiltinChecks.FileDescriptors;

    public CheckOutcome Run(CancellationToken cancel)
    {
        string path = Path.Combine(root, "proc/sys/fs/file-nr");
        try
        {
            return FileDescriptorCheck.Evaluate(File.ReadAllText(path), maxPercent);
        }
        catch (IOException e)
        {
            return CheckOutcome.Error($"{path}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            return CheckOutcome.Error($"{path}: {e.Message}");
        }
    }
}
