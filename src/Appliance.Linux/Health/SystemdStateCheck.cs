using Appliance.Core.Collections;
using Appliance.Core.Health;
using Appliance.Linux.Native;

namespace Appliance.Linux.Health;

/// <summary><c>systemctl is-system-running</c>, run like any check; not applicable where systemd is not PID 1.</summary>
public sealed class SystemdStateCheck(SystemdStateSettings settings) : BuiltinCheck<SystemdStateSettings>(settings)
{
    /// <summary>sd_booted(3): systemd is running exactly when this directory exists.</summary>
    public const string BootedMarker = "/run/systemd/system";

    private static readonly string[] SystemctlPaths = ["/usr/bin/systemctl", "/bin/systemctl"];

    public override CheckOutcome Evaluate(HealthCheckContext context)
    {
        bool booted = Directory.Exists(Under(context, BootedMarker));
        if (!booted)
        {
            return SystemdStateRule.Evaluate(booted: false, "", Settings);
        }

        string? systemctl = SystemctlPaths.Map(p => Under(context, p)).Find(File.Exists);

        if (systemctl is null)
        {
            return CheckOutcome.Error($"systemd is running but there is no systemctl in {string.Join(" or ", SystemctlPaths)}");
        }

        ProcessGroupResult result;
        try
        {
            result = context.Processes.Run(systemctl, ["is-system-running"], ProcessGroupRunner.Environment(context.Root), context.Timeout, context.Cancellation);
        }
        catch (SystemError e)
        {
            return CheckOutcome.Error(e.Message);
        }

        if (result.TimedOut)
        {
            return new CheckOutcome(CheckResult.Timeout, $"{systemctl} is-system-running did not answer in time");
        }

        return SystemdStateRule.Evaluate(booted: true, result.Output, Settings);
    }
}
