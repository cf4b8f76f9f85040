using System.Globalization;

namespace Appliance.Core.Health;

/// <param name="PidFile">An absolute path (resolved under the root) of a file holding the process id.</param>
public sealed record ProcessAliveSettings(string Name, bool Enabled = true, bool Required = true, string PidFile = "")
    : BuiltinCheckSettings(Name, Enabled, Required)
{
    public override string Type => ProcessAliveRule.Type;
}

/// <summary>A daemon named by its pidfile must exist and not be a zombie.</summary>
public static class ProcessAliveRule
{
    public const string Type = "process";

    /// <summary>The pid in a pidfile: the first line, a positive decimal number; null otherwise.</summary>
    public static int? ParsePidFile(string text)
    {
        string first = text.Split('\n')[0].Trim();
        return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0 ? pid : null;
    }

    /// <summary>
    /// The state letter of <c>/proc/PID/stat</c> (proc(5)): the field after the command name,
    /// which is in parentheses and may itself hold spaces and parentheses, so the last ")" ends it.
    /// </summary>
    public static char? ParseState(string stat)
    {
        int close = stat.LastIndexOf(')');
        if (close < 0 || close + 2 >= stat.Length)
        {
            return null;
        }

        return stat[close + 2];
    }

    /// <param name="pidFileText">The pidfile's contents; null when it does not exist.</param>
    /// <param name="stat">The contents of <c>/proc/PID/stat</c>; null when there is no such process.</param>
    public static CheckOutcome Evaluate(string? pidFileText, Func<int, string?> stat, ProcessAliveSettings settings)
    {
        if (pidFileText is null)
        {
            return CheckOutcome.Fail($"{settings.PidFile}: does not exist");
        }

        if (ParsePidFile(pidFileText) is not { } pid)
        {
            return CheckOutcome.Fail($"{settings.PidFile}: does not hold a process id");
        }

        if (stat(pid) is not { } text)
        {
            return CheckOutcome.Fail($"process {pid} from {settings.PidFile} is not running");
        }

        // proc(5): Z zombie, X dead; anything else (running, sleeping, stopped...) is alive.
        return ParseState(text) switch
        {
            null => CheckOutcome.Error($"process {pid}: cannot parse /proc/{pid}/stat"),
            'Z' => CheckOutcome.Fail($"process {pid} from {settings.PidFile} is a zombie"),
            'X' or 'x' => CheckOutcome.Fail($"process {pid} from {settings.PidFile} is dead"),
            char state => CheckOutcome.Pass($"process {pid} from {settings.PidFile} is alive (state {state})"),
        };
    }
}
