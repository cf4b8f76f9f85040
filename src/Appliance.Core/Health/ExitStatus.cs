using System.Globalization;

namespace Appliance.Core.Health;

/// <summary>
/// How a program's end is judged, the one rule for health checks, the daemon's Check= programs
/// and event hooks: exit 0 passes, any other exit fails with its code, a signal fails, a timeout
/// (the whole process group killed) is a timeout, and an end with neither code nor signal is an error.
/// </summary>
public static class ExitStatus
{
    public static CheckOutcome Judge(int? exitCode, int? signal, bool timedOut, string output, TimeSpan timeout)
    {
        if (timedOut)
        {
            return new CheckOutcome(CheckResult.Timeout, Note(output, string.Create(CultureInfo.InvariantCulture, $"killed with its process group after {timeout.TotalSeconds:0.###} s")));
        }

        return (exitCode, signal) switch
        {
            (0, _) => new CheckOutcome(CheckResult.Pass, output, 0),
            ({ } code, _) => new CheckOutcome(CheckResult.Fail, output, code),
            (null, { } s) => CheckOutcome.Fail(Note(output, string.Create(CultureInfo.InvariantCulture, $"killed by signal {s}"))),
            _ => CheckOutcome.Error(Note(output, "the exit status was lost")),
        };
    }

    /// <summary>Appends "[appliance: NOTE]" on a line of its own after the program's output.</summary>
    public static string Note(string output, string note) =>
        output.Length == 0 || output.EndsWith('\n') ? $"{output}[appliance: {note}]" : $"{output}\n[appliance: {note}]";
}
