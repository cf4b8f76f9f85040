using Appliance.Core.Boot;
using Appliance.Core.Health;
using Appliance.Core.Kexec;

namespace Appliance.Tests.Core.Health;

/// <summary>The self-test's rules on facts alone (the fake-tree tests are EscapeHatchProbeTests).</summary>
public sealed class EscapeHatchTests
{
    private static readonly KnownGoodImages Good = new("good", "/boot/vmlinuz", new KernelFootprintInput(12 << 20, 40u << 20, 20 << 20), KernelSignatureState.Unsigned);

    private static readonly EscapeHatchFacts Healthy = new()
    {
        TrialRunning = true,
        ArmKexec = true,
        CrashLoaded = true,
        ReservedBytes = 256L << 20,
        KnownGood = Good,
        Lockdown = "none",
        Watchdogs = [("watchdog0", "active")],
        GrubenvStorage = new GrubenvStorage("/", "ext4", "/dev/vda1", false, false),
        GrubContractVersion = GrubContract.Version,
    };

    [Fact]
    public void Evaluate_EverythingInPlace_NoFindingPresent()
    {
        var findings = EscapeHatch.Evaluate(Healthy);

        Assert.Equal(EscapeHatch.Ids, findings.Select(f => f.Id).ToArray());
        Assert.All(findings, f => Assert.Equal(CheckResult.Pass, f.Outcome.Result));
    }

    [Fact]
    public void Evaluate_ArmKexecNo_KexecFindingsNotApplicableEvenWhenBroken()
    {
        var facts = Healthy with { ArmKexec = false, CrashLoaded = false, ReservedBytes = 0, Lockdown = "integrity" };

        var findings = EscapeHatch.Evaluate(facts);

        foreach (string id in new[] { EscapeHatch.CrashKernelId, EscapeHatch.ReservationId, EscapeHatch.SignatureId })
        {
            Assert.Equal(CheckResult.NotApplicable, findings.Single(f => f.Id == id).Outcome.Result);
        }
    }

    [Fact]
    public void Reservation_OneMiBShortOfTheEstimate_Fails()
    {
        long needed = CrashFootprint.Needed(Good.Footprint);

        Assert.Equal(CheckResult.Fail, EscapeHatch.Reservation(Healthy with { ReservedBytes = needed - (1 << 20) }).Result);
        Assert.Equal(CheckResult.Pass, EscapeHatch.Reservation(Healthy with { ReservedBytes = needed }).Result);
    }

    [Fact]
    public void Reservation_KnownGoodUnknown_NotApplicableSayingWhy()
    {
        var outcome = EscapeHatch.Reservation(Healthy with { KnownGood = null, KnownGoodProblem = "grubenv has no appliance_good yet" });

        Assert.Equal(CheckResult.NotApplicable, outcome.Result);
        Assert.Contains("appliance_good", outcome.Output);
    }

    [Theory]
    [InlineData("integrity", null, KernelSignatureState.Unsigned, true)]
    [InlineData("confidentiality", null, KernelSignatureState.NotPe, true)]
    [InlineData("none", true, KernelSignatureState.Unsigned, true)]
    [InlineData("none", true, KernelSignatureState.Signed, false)]
    [InlineData("none", false, KernelSignatureState.Unsigned, false)]
    [InlineData(null, null, KernelSignatureState.NotPe, false)]
    public void Signature_LockdownOrSecureBootWithoutSignature_Fails(string? lockdown, bool? secureBoot, KernelSignatureState signature, bool fails)
    {
        var facts = Healthy with { Lockdown = lockdown, SecureBoot = secureBoot, KnownGood = Good with { Signature = signature } };

        Assert.Equal(fails, EscapeHatch.Signature(facts).Result == CheckResult.Fail);
    }

    [Fact]
    public void Watchdog_TrialWithNoDevices_FailsSayingNoneIsRegistered()
    {
        var outcome = EscapeHatch.Watchdog(Healthy with { Watchdogs = [] });

        Assert.Equal(CheckResult.Fail, outcome.Result);
        Assert.Contains("no watchdog device is registered", outcome.Output);
    }

    [Fact]
    public void Grubenv_OnMdRaid_Fails()
    {
        var outcome = EscapeHatch.Grubenv(Healthy with { GrubenvStorage = new GrubenvStorage("/boot", "ext4", "/dev/md0", false, true) });

        Assert.Equal(CheckResult.Fail, outcome.Result);
        Assert.Contains("md RAID", outcome.Output);
    }

    [Fact]
    public void GrubCfg_OlderContract_FailsAskingForUpdateGrub()
    {
        var outcome = EscapeHatch.GrubCfg(Healthy with { GrubContractVersion = GrubContract.Version - 1 });

        Assert.Equal(CheckResult.Fail, outcome.Result);
        Assert.Contains("update-grub", outcome.Output);
    }

    [Fact]
    public void Records_FindingsBecomeRequiredBuiltinChecksNamedWithThePrefix()
    {
        var records = EscapeHatch.Records(EscapeHatch.Evaluate(Healthy with { CrashLoaded = false }));

        var crash = records.Single(r => r.Name == "escape-hatch:crash-kernel");
        Assert.True(crash.Required && crash.Failed);
        Assert.Equal(CheckKind.Builtin, crash.Kind);
        Assert.False(HealthEvaluator.Evaluate(records).Healthy);
    }
}
