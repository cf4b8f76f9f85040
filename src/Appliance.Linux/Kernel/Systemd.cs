using Appliance.Linux.Health;
using Appliance.Linux.Native;

namespace Appliance.Linux.Kernel;

/// <summary>Asks systemd, when it is PID 1, to do a shutdown-type job, so services stop cleanly and journald flushes first.</summary>
public static class Systemd
{
    private const string Systemctl = "/usr/bin/systemctl";

    /// <summary>systemctl waits for the job to be queued, not done; a minute covers a slow start of that.</summary>
    private static readonly TimeSpan QueueTimeout = TimeSpan.FromMinutes(1);

    /// <summary>sd_booted(3): systemd is PID 1 exactly when /run/systemd/system exists.</summary>
    public static bool IsPid1(string root) => Directory.Exists(Path.Combine(root, "run/systemd/system")) && File.Exists(Systemctl);

    /// <summary>Runs <c>systemctl VERB</c> directly (no shell); true when systemd took the job.</summary>
    public static bool Request(string root, string verb)
    {
        try
        {
            var result = new ProcessGroupRunner(TimeProvider.System, 4096)
                .Run(Systemctl, [verb], ProcessGroupRunner.Environment(root), QueueTimeout, CancellationToken.None);
            return result.ExitCode == 0;
        }
        catch (SystemError)
        {
            return false;
        }
    }
}
