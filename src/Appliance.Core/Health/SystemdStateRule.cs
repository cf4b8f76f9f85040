namespace Appliance.Core.Health;

/// <param name="AllowDegraded">Whether "degraded" (some unit failed) still passes.</param>
public sealed record SystemdStateSettings(string Name = SystemdStateRule.Type, bool Enabled = true, bool Required = true, bool AllowDegraded = false)
    : BuiltinCheckSettings(Name, Enabled, Required)
{
    public override string Type => SystemdStateRule.Type;
}

/// <summary>The manager's state, as <c>systemctl is-system-running</c> prints it (systemctl(1) lists the states).</summary>
public static class SystemdStateRule
{
    public const string Type = "systemd";

    private static readonly string[] States = ["initializing", "starting", "running", "degraded", "maintenance", "stopping", "offline", "unknown"];

    /// <summary>The state word in systemctl's output, which may come after messages on stderr; otherwise the whole output.</summary>
    public static string ParseState(string output)
    {
        foreach (string line in output.Split('\n'))
        {
            string l = line.Trim();
            if (States.Contains(l))
            {
                return l;
            }
        }

        return output.Trim();
    }

    /// <param name="booted">Whether systemd is PID 1: <c>/run/systemd/system</c> exists (sd_booted(3)).</param>
    /// <param name="output">What systemctl printed.</param>
    public static CheckOutcome Evaluate(bool booted, string output, SystemdStateSettings settings)
    {
        if (!booted)
        {
            return CheckOutcome.NotApplicable("systemd is not running (no /run/systemd/system)");
        }

        string state = ParseState(output);
        return state switch
        {
            "running" => CheckOutcome.Pass("running"),

            // Boot validation itself runs as part of start-up (before boot-complete.target, as
            // greenboot does), so the manager is still "starting" while we look.
            "starting" or "initializing" => CheckOutcome.Pass($"{state}: start-up still in progress"),
            "degraded" when settings.AllowDegraded => CheckOutcome.Pass("degraded: some units failed (allowed by AllowDegraded=yes)"),
            "degraded" => CheckOutcome.Fail("degraded: some units failed; see systemctl --failed"),
            "" => CheckOutcome.Error("systemctl is-system-running printed nothing"),
            _ => CheckOutcome.Fail(state),
        };
    }
}
