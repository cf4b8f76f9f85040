namespace Appliance.Vm;

/// <summary>Issue 15: forensics from efi-pstore, pstore's backend on UEFI machines.</summary>
public static partial class BoardScenarios
{
    public const string UefiEfiPstore = "uefi-efi-pstore";

    /// <summary>init.sh's pstore line: the backend pstore registered and the records it holds.</summary>
    private const string PstoreMarker = "APPLIANCE-MARKER: pstore backend=";

    private const string PstoreAfterValidate = "APPLIANCE-MARKER: pstore after validate records=";

    /// <summary>
    /// A trial without a crash kernel (trial-panic-plain: panic=1) panics on the Secure Boot
    /// board. With no crash kernel loaded, panic() dumps the log to pstore (kmsg_dump,
    /// kernel/panic.c), whose backend on UEFI is efi-pstore: the log goes into EFI variables
    /// and survives the reset. GRUB has no try left and boots known-good, whose validator reads
    /// the dmesg-efi-* records under /sys/fs/pstore, names the panic in the journal and then
    /// deletes them, which frees the variables for the next crash.
    /// </summary>
    public static async Task<ScenarioResult> EfiPstoreForensicsAsync(QemuBoard board, Action<string> say)
    {
        RequireUefi(board);
        const string trial = "trial-panic-plain";
        var run = new Run(UefiEfiPstore, board, say);
        run.Say($"host: {board.GrubEnv.StageTrial(trial, 1)}");
        board.Start();
        await WaitBootAsync(board, trial).ConfigureAwait(false);
        var backend = await board.WaitForAsync(PstoreMarker).ConfigureAwait(false);
        run.Expect(Markers.ValueAfter(backend, "backend=").StartsWith("efi", StringComparison.Ordinal), $"pstore's backend on the UEFI board should be efi-pstore: {backend.Text}");
        var panic = await board.WaitForAsync(Markers.KernelPanic).ConfigureAwait(false);
        run.Say($"boot {panic.Boot}: pstore backend efi; \"{Markers.From(panic, Markers.KernelPanic)}\" with no crash kernel loaded");

        await WaitBootAsync(board, Good).ConfigureAwait(false);
        var kept = await board.WaitForAsync(PstoreMarker).ConfigureAwait(false);
        var records = Markers.ValueAfter(kept, "records=");
        run.Expect(kept.Boot > panic.Boot && records.Contains("dmesg-efi-", StringComparison.Ordinal),
            $"known-good's boot should find the panic's log in efi-pstore records (dmesg-efi-*): {kept.Text}");
        var good = await WaitValidatedAfterUserspaceAsync(board, Good).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        var rollback = good.Status.Rollback ?? string.Empty;
        run.Expect(good.Rc == 0 && good.Status.ThisBoot is { Result: "rolled-back" } && rollback.Contains(SysrqPanic, StringComparison.Ordinal),
            $"known-good's validator should record the rollback naming the panic from pstore: rc={good.Rc} rollback=\"{rollback}\" {good.Status}");
        var after = board.Lines().LastOrDefault(l => l.Boot == kept.Boot && l.Text.Contains(PstoreAfterValidate, StringComparison.Ordinal));
        var left = after is null ? "(no line)" : after.Text[(after.Text.IndexOf("records=", StringComparison.Ordinal) + "records=".Length)..];
        run.Expect(after is not null && !left.Contains("dmesg-efi-", StringComparison.Ordinal),
            $"the validator should delete the efi-pstore records it saved, freeing the EFI variables: {left}");
        run.Say($"boot {kept.Boot}: efi-pstore records {records.TrimEnd(',')}; status rollback: \"{rollback}\"; after the validator: {(left.Length == 0 ? "none" : left)}");
        run.Observed["records"] = records;
        run.Observed["rollback"] = rollback;
        return run.Finish();
    }
}
