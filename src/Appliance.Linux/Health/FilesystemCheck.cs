using System.Runtime.InteropServices;
using Appliance.Core.Health;
using Appliance.Linux.Native;

namespace Appliance.Linux.Health;

/// <summary>statvfs(3) on a mount point, and optionally a write probe: a small file created, synced and removed.</summary>
public sealed class FilesystemCheck(FilesystemSettings settings) : BuiltinCheck<FilesystemSettings>(settings)
{
    public const string ProbePrefix = ".appliance-write-probe-";

    public override CheckOutcome Evaluate(HealthCheckContext context)
    {
        string path = Under(context, Settings.Path);
        if (HealthNative.statvfs(path, out HealthNative.StatVfs vfs) != 0)
        {
            return CheckOutcome.Fail(new SystemError("statvfs", path, Marshal.GetLastPInvokeError()).Message);
        }

        // Block counts are in units of f_frsize (statvfs(3)).
        bool readOnly = (vfs.Flag & HealthNative.ST_RDONLY) != 0;
        string? probeError = Settings.WriteProbe && !readOnly ? Probe(path) : null;
        var usage = new FilesystemUsage(vfs.Blocks * vfs.Frsize, vfs.Bfree * vfs.Frsize, vfs.Bavail * vfs.Frsize, readOnly, probeError);
        return FilesystemRule.Evaluate(usage, Settings);
    }

    /// <summary>Creates, fsyncs and removes a file: a filesystem the kernel remounted read-only after an error, or a full one, fails here. Null on success.</summary>
    private static string? Probe(string directory)
    {
        string probe = Path.Join(directory, ProbePrefix + Guid.NewGuid().ToString("N"));
        try
        {
            using (var file = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.Write("appliance write probe\n"u8);
                file.Flush(flushToDisk: true);
            }

            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(probe);
            return e.Message;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing more to do: the probe failed and is reported; a leftover is named to be recognised.
        }
    }
}
