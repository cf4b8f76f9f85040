using Appliance.Core.Boot;
using Appliance.Core.Health;
using Appliance.Linux.Boot;
using Appliance.Linux.Files;
using Appliance.Linux.Health;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Health;

/// <summary>
/// Issue 17: each escape-hatch finding, probed from a fake tree that shows it and from one that
/// does not. The tree is <see cref="TrialTree"/>'s machine (grub.cfg with Appliance's block,
/// grubenv on ext4) with the known-good entry pinned; a trial is staged and booted through the
/// real grub/appliance.cfg where a finding is about trials.
/// </summary>
public sealed class EscapeHatchProbeTests : IDisposable
{
    private readonly TrialTree _tree = new();

    public EscapeHatchProbeTests()
    {
        Ok("upgrade", "pin", "good");
    }

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void CrashKernel_TrialRunningNothingLoaded_Found()
    {
        BootTrial();
        _tree.Write("sys/kernel/kexec_crash_loaded", "0\n");

        var finding = Probe(EscapeHatch.CrashKernelId);

        Assert.Equal(CheckResult.Fail, finding.Outcome.Result);
        Assert.Contains("no crash kernel is loaded", finding.Outcome.Output);
    }

    [Fact]
    public void CrashKernel_TrialRunningCrashKernelLoaded_NotFound()
    {
        BootTrial();
        _tree.Write("sys/kernel/kexec_crash_loaded", "1\n");

        Assert.Equal(CheckResult.Pass, Probe(EscapeHatch.CrashKernelId).Outcome.Result);
    }

    [Fact]
    public void CrashKernel_NoTrialNothingLoaded_NotApplicable()
    {
        _tree.Write("sys/kernel/kexec_crash_loaded", "0\n");

        Assert.Equal(CheckResult.NotApplicable, Probe(EscapeHatch.CrashKernelId).Outcome.Result);
    }

    [Fact]
    public void CrashKernel_TrialRunningButArmKexecNo_NotApplicable()
    {
        BootTrial();
        _tree.Write("sys/kernel/kexec_crash_loaded", "0\n");
        Config("[Boot]\nArmKexec=no\n");

        Assert.Equal(CheckResult.NotApplicable, Probe(EscapeHatch.CrashKernelId).Outcome.Result);
    }

    [Fact]
    public void Reservation_InitSizeLargerThanTheReservationAllows_FoundStatingTheEstimate()
    {
        // 128M holds the 1K file plus 96M headroom, which is all arming counts; the 48M init_size does not fit.
        File.WriteAllBytes(_tree.Dir.File("boot/vmlinuz-6.1"), FakeEfiKernel.Image(signed: false, initSize: 48u << 20));
        _tree.Write("sys/kernel/kexec_crash_size", (128L << 20) + "\n");

        var finding = Probe(EscapeHatch.ReservationId);

        Assert.Equal(CheckResult.Fail, finding.Outcome.Result);
        Assert.Contains("128M", finding.Outcome.Output);
        Assert.Contains("init_size from its bzImage header 48M", finding.Outcome.Output);
        Assert.Contains("crashkernel=256M", finding.Outcome.Output);
    }

    [Fact]
    public void Reservation_LargeEnough_NotFound()
    {
        File.WriteAllBytes(_tree.Dir.File("boot/vmlinuz-6.1"), FakeEfiKernel.Image(signed: false, initSize: 48u << 20));
        _tree.Write("sys/kernel/kexec_crash_size", (256L << 20) + "\n");

        Assert.Equal(CheckResult.Pass, Probe(EscapeHatch.ReservationId).Outcome.Result);
    }

    [Fact]
    public void Reservation_NothingReserved_Found()
    {
        _tree.Write("sys/kernel/kexec_crash_size", "0\n");

        var finding = Probe(EscapeHatch.ReservationId);

        Assert.Equal(CheckResult.Fail, finding.Outcome.Result);
        Assert.Contains("No memory is reserved", finding.Outcome.Output);
    }

    [Fact]
    public void Signature_LockdownIntegrityUnsignedKnownGood_Found()
    {
        File.WriteAllBytes(_tree.Dir.File("boot/vmlinuz-6.1"), FakeEfiKernel.Image(signed: false));
        _tree.Write("sys/kernel/security/lockdown", "none [integrity] confidentiality\n");

        var finding = Probe(EscapeHatch.SignatureId);

        Assert.Equal(CheckResult.Fail, finding.Outcome.Result);
        Assert.Contains("no Authenticode signature", finding.Outcome.Output);
        Assert.Contains("[integrity]", finding.Outcome.Output);
    }

    [Fact]
    public void Signature_SecureBootOnKernelWithoutEfiStub_Found()
    {
        File.WriteAllBytes(_tree.Dir.File("sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c".EnsureParent(_tree.Dir)), [6, 0, 0, 0, 1]);

        var finding = Probe(EscapeHatch.SignatureId);

        Assert.Equal(CheckResult.Fail, finding.Outcome.Result);
        Assert.Contains("Secure Boot is on", finding.Outcome.Output);
    }

    [Fact]
    public void Signature_LockdownIntegritySignedKnownGood_NotFound()
    {
        File.WriteAllBytes(_tree.Dir.File("boot/vmlinuz-6.1"), FakeEfiKernel.Image(signed: true));
        _tree.Write("sys/kernel/security/lockdown", "none [integrity] confidentiality\n");

        Assert.Equal(CheckResult.Pass, Probe(EscapeHatch.SignatureId).Outcome.Result);
    }

    [Fact]
    public void Signature_NoLockdownUnsignedKnownGood_NotFound()
    {
        File.WriteAllBytes(_tree.Dir.File("boot/vmlinuz-6.1"), FakeEfiKernel.Image(signed: false));
        _tree.Write("sys/kernel/security/lockdown", "[none] integrity confidentiality\n");
        File.WriteAllBytes(_tree.Dir.File("sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c".EnsureParent(_tree.Dir)), [6, 0, 0, 0, 0]);

        Assert.Equal(CheckResult.Pass, Probe(EscapeHatch.SignatureId).Outcome.Result);
    }

    [Fact]
    public void Watchdog_TrialRunningNoWatchdogActive_Found()
    {
        BootTrial();
        _tree.Write("sys/class/watchdog/watchdog0/state", "inactive\n");

        var finding = Probe(EscapeHatch.WatchdogId);

        Assert.Equal(CheckResult.Fail, finding.Outcome.Result);
        Assert.Contains("watchdog0 (inactive)", finding.Outcome.Output);
    }

    [Fact]
    public void Watchdog_TrialRunningOneWatchdogActive_NotFound()
    {
        BootTrial();
        _tree.Write("sys/class/watchdog/watchdog0/state", "inactive\n");
        _tree.Write("sys/class/watchdog/watchdog1/state", "active\n");

        Assert.Equal(CheckResult.Pass, Probe(EscapeHatch.WatchdogId).Outcome.Result);
    }

    [Fact]
    public void Watchdog_NoTrialNoWatchdogActive_NotApplicable()
    {
        _tree.Write("sys/class/watchdog/watchdog0/state", "inactive\n");

        Assert.Equal(CheckResult.NotApplicable, Probe(EscapeHatch.WatchdogId).Outcome.Result);
    }

    [Fact]
    public void Grubenv_OnBtrfs_Found()
    {
        _tree.Mounts("22 1 0:25 / / rw,relatime - btrfs /dev/vda1 rw");

        var finding = Probe(EscapeHatch.GrubenvId);

        Assert.Equal(CheckResult.Fail, finding.Outcome.Result);
        Assert.Contains("GRUB cannot write grubenv", finding.Outcome.Output);
        Assert.Contains("btrfs", finding.Outcome.Output);
    }

    [Fact]
    public void Grubenv_OnExt4_NotFound()
    {
        Assert.Equal(CheckResult.Pass, Probe(EscapeHatch.GrubenvId).Outcome.Result);
    }

    [Fact]
    public void GrubContract_BlockMissingFromGrubCfg_Found()
    {
        string cfg = _tree.Dir.File("boot/grub/grub.cfg");
        File.WriteAllText(cfg, File.ReadAllText(cfg).Replace(GrubContract.Marker, "", StringComparison.Ordinal));

        var finding = Probe(EscapeHatch.GrubContractId);

        Assert.Equal(CheckResult.Fail, finding.Outcome.Result);
        Assert.Contains("no Appliance block", finding.Outcome.Output);
        Assert.Contains("update-grub", finding.Outcome.Output);
    }

    [Fact]
    public void GrubContract_BlockPresent_NotFound()
    {
        Assert.Equal(CheckResult.Pass, Probe(EscapeHatch.GrubContractId).Outcome.Result);
    }

    private EscapeHatchFinding Probe(string id)
    {
        var findings = EscapeHatchProbe.Run(new TrialService(_tree.Root, LinuxFileSteps.Instance, new FakeTimeProvider(), TextWriter.Null));
        Assert.Equal(EscapeHatch.Ids, findings.Select(f => f.Id).ToArray());
        return findings.Single(f => f.Id == id);
    }

    /// <summary>Stages the trial and boots it through the real grub/appliance.cfg: this boot is then the trial.</summary>
    private void BootTrial()
    {
        Ok("upgrade", "stage", "trial");
        Assert.Equal("trial", _tree.GrubBoots());
    }

    private void Config(string text)
    {
        string file = _tree.Write("etc/appliance/appliance.conf", text);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    private void Ok(params string[] args)
    {
        var result = _tree.Run(args);
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}

internal static class PathExtensions
{
    /// <summary>Creates the parent directories of <paramref name="relative"/> under <paramref name="dir"/> and returns it, for writing bytes there.</summary>
    public static string EnsureParent(this string relative, TempDir dir)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(dir.File(relative))!);
        return relative;
    }
}
