using System.CommandLine;
using System.Text.Json;
using Appliance.Core.Collections;
using Appliance.Core.Health;
using Appliance.Core.Json;
using Appliance.Linux.Boot;
using Appliance.Linux.Health;

namespace Appliance.Cli.Commands;

/// <summary><c>appliance check</c>: run the health checks now, as the validator and the watchdog daemon would, plus the escape-hatch self-test, and show every result.</summary>
public static class CheckCommand
{
    public static Command Build(CliContext context)
    {
        var json = CliContext.JsonOption("Print the health report as one JSON object");
        var deadline = CliContext.DeadlineOption("Seconds all checks may take (default: [Boot] ValidateDeadlineSec)");
        var check = new Command("check", "Run the health checks (checks.d and built-ins) and the escape-hatch self-test, and report; exit 1 when a required check fails or the self-test finds a problem") { json, deadline };
        check.SetAction(parsed => context.Guarded(() =>
        {
            string root = context.Root(parsed);
            var config = Appliance.Linux.Config.ConfigLoader.Load(root);
            var limit = parsed.GetValue(deadline) is int seconds ? TimeSpan.FromSeconds(seconds) : config.Boot.ValidateDeadline;
            var checks = new HealthCheckRunner(context.Time).RunAll(config, root, limit, CancellationToken.None);
            // The escape-hatch self-test: each finding a required check of its own, so a broken
            // way back to known-good fails 'check' as a failing health check does.
            var findings = EscapeHatchProbe.Run(new TrialService(root, context.FileSteps, context.Time, context.Error));
            var report = HealthEvaluator.Evaluate([.. checks.Checks, .. EscapeHatch.Records(findings)]);
            // A warning, not a failing check: without the pretimeout a hang still ends in the hardware reset.
            foreach (string warning in new Appliance.Linux.Watchdog.WatchdogSysfs(root).PretimeoutFindings(config.Watchdog))
            {
                context.Error.WriteLine($"appliance: warning: {warning}");
            }

            if (parsed.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(report, ApplianceJsonContext.Default.HealthReport));
            }
            else
            {
                foreach (var c in report.Checks)
                {
                    string required = c.Required ? "required" : "wanted";
                    context.Output.WriteLine($"{Mark(c.Result),-5} {c.Name,-24} {required,-8} {c.DurationMs,6} ms  {HealthEvaluator.LastLine(c.Output)}");
                }

                context.Output.WriteLine(report.Healthy ? "healthy" : "UNHEALTHY: " + string.Join(", ", report.Failures.Map(f => f.Name)));
            }

            return report.Healthy ? ExitCodes.Ok : ExitCodes.BootNotGood;
        }));
        return check;
    }

    private static string Mark(CheckResult result) => result switch
    {
        CheckResult.Pass => "ok",
        CheckResult.NotApplicable => "n/a",
        _ => HealthEvaluator.Label(result),
    };
}
