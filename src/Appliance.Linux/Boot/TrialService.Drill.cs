using Appliance.Core.Boot;
using Appliance.Core.Json;
using Appliance.Linux.Files;

namespace Appliance.Linux.Boot;

/// <summary>
/// <c>appliance drill panic</c>: on a committed, idle machine, the running entry is armed as its
/// own rescue kernel and the kernel is panicked on purpose; the validators on the way back (the
/// rescue kernel's, then the first healthy boot's) complete the record with the measured times.
/// </summary>
public sealed partial class TrialService
{
    private string DrillPath => StatePaths.Under(Root, StatePaths.Drill);

    /// <summary>The last drill, or null when none was run (or its record cannot be read, which is reported).</summary>
    public PanicDrill? LastDrill() =>
        ReadRecordOrWarn(DrillPath, ApplianceJsonContext.Default.PanicDrill, "a panic drill record", "remove it; the next 'appliance drill panic' writes a new one");

    /// <summary>Throws (nothing changed) when the drill must not run now: a trial under way, no known-good entry, no --yes.</summary>
    public void RefuseDrillUnlessIdle(bool yes)
    {
        if (PanicDrills.Refusal(State(), yes) is { } refusal)
        {
            throw new TrialException(yes ? TrialErrorKind.Conflict : TrialErrorKind.Invalid, refusal);
        }
    }

    /// <summary>
    /// Arms the running entry as the rescue kernel (the crash path the drill proves) and writes the
    /// drill's record durably; the caller then panics the kernel. Throws what arming throws, with
    /// nothing recorded.
    /// </summary>
    public PanicDrill ArmDrill(bool yes)
    {
        RefuseDrillUnlessIdle(yes);
        string entry = RunningEntryPath() ?? throw new TrialException(TrialErrorKind.Conflict,
            "cannot tell which menu entry is running (see 'appliance status'); the drill arms the running entry as its own rescue kernel");
        var (plan, _) = KexecService().Arm(entry);
        var drill = new PanicDrill { Panicked = _time.GetUtcNow(), BootId = Kernel.BootId(), Entry = plan.Entry };
        WriteDrill(drill);
        return drill;
    }

    /// <summary>The validator's share: the rescue kernel and then the first healthy boot after a drill complete its record.</summary>
    private void AdvanceDrill(BootKind kind, bool healthy, string bootId, string? running, List<string> notes, List<string> problems)
    {
        if (kind is not (BootKind.Rescue or BootKind.Normal) || (kind == BootKind.Normal && !healthy) || LastDrill() is not { Result: null } drill)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var advanced = kind == BootKind.Rescue ? PanicDrills.AtRescue(drill, bootId, now) : PanicDrills.AtHealthyBoot(drill, bootId, running, now);
        if (advanced == drill)
        {
            return;
        }

        Secondary(problems, $"recording the panic drill in {DrillPath}", () => WriteDrill(advanced));
        notes.Add(advanced.Describe());
    }

    private void WriteDrill(PanicDrill drill) => WriteRecord(DrillPath, drill, ApplianceJsonContext.Default.PanicDrill);
}
