using System.CommandLine;
using System.Text.Json;
using Appliance.Core.Boot;
using Appliance.Core.Json;
using Appliance.Core.Status;

namespace Appliance.Cli.Commands;

/// <summary><c>appliance status</c>: the trial state, the known-good entry and the boot journal, saying plainly when a rollback happened and why.</summary>
public static class StatusCommand
{
    public static Command Build(CliContext context)
    {
        var json = CliContext.JsonOption();
        var status = new Command("status", "Show the trial state, the known-good entry and the last boots, with any rollback and its reason") { json };
        status.SetAction(parsed => context.Guarded(() => Print(context, context.Trials(parsed), parsed.GetValue(json))));
        return status;
    }

    public static int Print(CliContext context, Appliance.Linux.Boot.TrialService trials, bool json)
    {
        var state = trials.State();
        var report = StatusReport.From(state, trials.RunningEntryPath(state), trials.Journal.All())
            with { Quarantined = trials.QuarantinedOrWarn(), Stability = trials.OpenStabilityWindow(), LastDrill = trials.LastDrill(), Firmware = Appliance.Linux.Kernel.EfiBootVariablesReader.Read(trials.Root) };
        if (json)
        {
            context.Output.WriteLine(JsonSerializer.Serialize(report, ApplianceJsonContext.Default.StatusReport));
            return ExitCodes.Ok;
        }

        var o = context.Output;
        o.WriteLine($"state:       {Describe(report)}");
        o.WriteLine($"known-good:  {report.KnownGood ?? "(not set: GRUB's own default)"}");
        o.WriteLine($"running:     {report.RunningEntry ?? "(unknown)"}");
        if (report.LastTrial is { } last)
        {
            o.WriteLine($"last trial:  {last.Trial} {last.Result} at {last.Time:yyyy-MM-dd HH:mm:ss}Z");
        }

        if (report.Stability is { } stability)
        {
            o.WriteLine($"stability:   {stability.Describe()}");
        }

        if (report.LastDrill is { } drill)
        {
            o.WriteLine($"last drill:  {drill.Describe()}");
        }

        if (report.Rollback is { } rollback)
        {
            o.WriteLine($"ROLLBACK:    {rollback}");
        }

        foreach (var kernel in report.Quarantined)
        {
            o.WriteLine($"QUARANTINED: {kernel.Describe()}; 'appliance upgrade forget {kernel.Release}' clears it");
        }

        if (report.Firmware is { } firmware)
        {
            o.WriteLine($"firmware:    BootCurrent {firmware.BootCurrent ?? "(unset)"}, BootNext {firmware.BootNext ?? "(unset)"}, BootOrder {(firmware.BootOrder.Count == 0 ? "(empty)" : string.Join(',', firmware.BootOrder))}");
            foreach (string problem in firmware.Problems)
            {
                context.Error.WriteLine($"appliance: warning: {problem}");
            }
        }

        if (report.Boots.Count > 0)
        {
            o.WriteLine("boots (oldest first):");
            foreach (var boot in report.Boots)
            {
                o.WriteLine($"  {boot.Time:yyyy-MM-dd HH:mm:ss}Z  {boot.BootId[..Math.Min(8, boot.BootId.Length)]}  {boot.Path,-15} {boot.Result,-11} {boot.Entry ?? "?"}: {boot.Message}");
            }
        }

        return ExitCodes.Ok;
    }

    private static string Describe(StatusReport r) => r.State switch
    {
        "trial-running" => $"trial of '{r.Trial}' is running, {r.TriesLeft} {(r.TriesLeft == 1 ? "try" : "tries")} left; 'appliance boot validate' commits it when healthy",
        "staged" => $"trial of '{r.Trial}' is staged with {r.TriesLeft} tries; it boots next",
        "fell-back" => $"trial of '{r.Trial}' failed to load; GRUB fell back (not yet validated)",
        "rolled-back" => $"trial of '{r.Failed}' was rolled back (not yet validated)",
        _ => r.Failed is null ? "idle: no trial" : $"idle: no trial (the last one, '{r.Failed}', failed)",
    };
}
