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

    /// <summary>
    /// The units systemd is still starting (<c>systemctl list-jobs</c>: "JOB UNIT TYPE STATE"
    /// per line), space-separated; empty when systemd is not PID 1 or does not answer.
    /// </summary>
    public static string PendingJobs(string root)
    {
        if (!IsPid1(root))
        {
            return "";
        }

        try
        {
            var result = new ProcessGroupRunner(TimeProvider.System, 16384)
                .Run(Systemctl, ["list-jobs", "--no-legend", "--no-pager", "--plain"], ProcessGroupRunner.Environment(root), QueueTimeout, CancellationToken.None);
            if (result.ExitCode != 0)
            {
                return "";
            }

            var units = new List<string>();
            foreach (string line in result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length >= 4 && fields[2] == "start")
                {
                    units.Add($"{fields[1]} ({fields[3]})");
                }
            }

            return string.Join(", ", units);
        }
        catch (SystemError)
        {
            return "";
        }
    }

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
