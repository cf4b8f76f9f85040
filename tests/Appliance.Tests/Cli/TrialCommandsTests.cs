using System.Text.Json;
using Appliance.Core.Boot;
using Appliance.Tests.Support;

namespace Appliance.Tests.Cli;

/// <summary>upgrade stage/status/commit/abort, boot validate/mark-good/mark-bad and status, in-process on fake trees.</summary>
public sealed class TrialCommandsTests : IDisposable
{
    private readonly TrialTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private CliResult Ok(params string[] args)
    {
        var result = _tree.Run(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    [Fact]
    public void UpgradeStage_Trial_RecordsTrialTriesAndKnownGood()
    {
        Ok("upgrade", "stage", "trial", "--tries", "2");

        Assert.Equal(TrialState.Empty with { Trial = "trial", Tries = 2, Good = "good" }, _tree.State);
    }

    [Fact]
    public void UpgradeStage_Json_PrintsStagedState()
    {
        var result = Ok("upgrade", "stage", "Debian trial", "--json");

        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal("staged", json.RootElement.GetProperty("state").GetString());
        Assert.Equal("trial", json.RootElement.GetProperty("trial").GetString());
        Assert.Equal(3, json.RootElement.GetProperty("tries_left").GetInt32());
    }

    [Fact]
    public void UpgradeStage_UnknownEntry_Exit64NothingWritten()
    {
        byte[] before = _tree.GrubEnvBytes;

        var result = _tree.Run("upgrade", "stage", "nope");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("no menu entry 'nope'", result.Stderr);
        Assert.Contains("appliance entries", result.Stderr);
        Assert.Equal(before, _tree.GrubEnvBytes);
    }

    [Fact]
    public void UpgradeStage_KernelFileMissing_Exit66NamingTheFile()
    {
        byte[] before = _tree.GrubEnvBytes;

        var result = _tree.Run("upgrade", "stage", "missing");

        Assert.Equal(66, result.ExitCode);
        Assert.Contains("/boot/vmlinuz-missing", result.Stderr);
        Assert.Equal(before, _tree.GrubEnvBytes);
    }

    [Theory]
    [InlineData("22 1 0:25 /@ / rw - btrfs /dev/sda2 rw,subvol=/@", null, "btrfs")]
    [InlineData("22 1 254:0 / / rw - ext4 /dev/mapper/vg-root rw", "sys/dev/block/254:0/dm", "LVM")]
    public void UpgradeStage_GrubCannotWriteGrubenv_Exit78NothingWritten(string mount, string? sysfs, string named)
    {
        _tree.Mounts(mount);
        if (sysfs is not null)
        {
            _tree.Dir.Subdirectory(sysfs);
        }

        byte[] before = _tree.GrubEnvBytes;

        var result = _tree.Run("upgrade", "stage", "trial");

        Assert.Equal(78, result.ExitCode);
        Assert.Contains(named, result.Stderr);
        Assert.Contains("GRUB cannot record trial boots", result.Stderr);
        Assert.Equal(before, _tree.GrubEnvBytes);
    }

    [Fact]
    public void UpgradeStage_OtherTrialStaged_RefusedNothingWritten()
    {
        Ok("upgrade", "stage", "trial");
        byte[] before = _tree.GrubEnvBytes;

        var result = _tree.Run("upgrade", "stage", "missing");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal(before, _tree.GrubEnvBytes);
    }

    [Fact]
    public void UpgradeStage_TriesOutOfRange_Exit64()
    {
        Assert.Equal(64, _tree.Run("upgrade", "stage", "trial", "--tries", "10").ExitCode);
    }

    [Fact]
    public void BootValidate_HealthyTrial_CommitsAndStatusSaysSo()
    {
        Ok("upgrade", "stage", "trial");
        Assert.Equal("trial", _tree.GrubBoots());

        var result = Ok("boot", "validate", "--no-reboot");

        Assert.Contains("passed its checks", result.Stdout);
        Assert.Equal(TrialState.Empty with { Good = "trial", SavedEntry = "trial" }, _tree.State);
        using var status = JsonDocument.Parse(Ok("status", "--json").Stdout);
        Assert.Equal("idle", status.RootElement.GetProperty("state").GetString());
        Assert.Equal("committed", status.RootElement.GetProperty("last_trial").GetProperty("result").GetString());
    }

    [Fact]
    public void BootValidate_GrubenvHoldsValueNotUtf8FromAnotherTool_CommitsAndKeepsThoseBytes()
    {
        Ok("upgrade", "stage", "trial");
        Assert.Equal("trial", _tree.GrubBoots());
        var block = Appliance.Core.Grubenv.GrubEnvBlock.Parse(_tree.GrubEnvBytes);
        block.Set("title", "caf~");
        byte[] bytes = block.Bytes.ToArray();
        int tilde = Array.LastIndexOf(bytes, (byte)'~');
        bytes[tilde] = 0xE9;
        File.WriteAllBytes(_tree.GrubEnvPath, bytes);

        Ok("boot", "validate", "--no-reboot");

        Assert.Equal("trial", _tree.State.Good);
        byte[] latin1 = [.. "title=caf"u8, 0xE9, (byte)'\n'];
        Assert.True(GrubEditenv.List(_tree.GrubEnvPath).AsSpan().IndexOf(latin1) >= 0, "grub-editenv no longer lists the Latin-1 title as written");
    }

    [Theory]
    [InlineData("boot", "validate", "--no-reboot", "--deadline", "-5")]
    [InlineData("boot", "validate", "--no-reboot", "--deadline", "0")]
    [InlineData("check", "--deadline", "-1")]
    public void Deadline_ZeroOrNegative_Exit64BeforeAnyCheckRunsNothingWritten(params string[] args)
    {
        Ok("upgrade", "stage", "trial");
        _tree.GrubBoots();
        byte[] before = _tree.GrubEnvBytes;

        var result = _tree.Run(args);

        Assert.True(result.ExitCode == 64, result.ToString());
        Assert.Contains("--deadline must be between 1 and 86400 seconds", result.Stderr);
        Assert.Equal(before, _tree.GrubEnvBytes);
        Assert.False(Directory.Exists(_tree.Dir.File("var/lib/appliance/boots")) && Directory.GetFiles(_tree.Dir.File("var/lib/appliance/boots")).Length > 0);
    }

    [Fact]
    public void BootValidate_Twice_SecondChangesNothing()
    {
        Ok("upgrade", "stage", "trial");
        _tree.GrubBoots();
        Ok("boot", "validate", "--no-reboot");
        byte[] env = _tree.GrubEnvBytes;
        string journal = string.Join("\n", Directory.GetFiles(_tree.Dir.File("var/lib/appliance/boots")).Select(File.ReadAllText));

        var second = Ok("boot", "validate", "--no-reboot");

        Assert.Contains("already validated", second.Stdout);
        Assert.Equal(env, _tree.GrubEnvBytes);
        Assert.Equal(journal, string.Join("\n", Directory.GetFiles(_tree.Dir.File("var/lib/appliance/boots")).Select(File.ReadAllText)));
    }

    [Fact]
    public void BootValidate_FailingRequiredCheck_RejectsThenKnownGoodRecordsRollbackWithCheckOutput()
    {
        _tree.RequiredCheck("50-app", 1, "app did not answer on :8080");
        Ok("upgrade", "stage", "trial");
        _tree.GrubBoots();

        var rejected = _tree.Run("boot", "validate", "--no-reboot");
        _tree.RequiredCheck("50-app", 0, "app answers on the known-good kernel");
        string next = _tree.GrubBoots();
        Ok("boot", "validate", "--no-reboot");
        var status = Ok("status");

        Assert.Equal(1, rejected.ExitCode);
        Assert.Contains("failed its checks", rejected.Stdout);
        Assert.Contains("app did not answer", rejected.Stderr);
        Assert.Equal("good", next);
        Assert.Equal("good", _tree.State.Good);
        Assert.Null(_tree.State.Trial);
        Assert.Contains("ROLLBACK", status.Stdout);
        Assert.Contains("50-app", status.Stdout);
        Assert.Contains("app did not answer", status.Stdout);
    }

    [Fact]
    public void BootValidate_GrubenvChangedWhileChecksRun_ReportsTheDecisionItWrote()
    {
        // Another process (here the real grub-editenv, run by the check itself) changes the
        // known-good entry while the checks run: what is printed and journalled must be the
        // decision taken on the grubenv that was written, not on the one read before the checks.
        Linux.Health.CheckTree.Script(_tree.Dir, "etc/appliance/checks.d/required.d/50-app",
            $"{GrubEditenv.Program} {_tree.GrubEnvPath} set appliance_good=other\necho 'app did not answer'\nexit 1");
        Ok("upgrade", "stage", "trial");
        _tree.GrubBoots();

        var rejected = _tree.Run("boot", "validate", "--no-reboot");
        var status = Ok("status");

        Assert.Equal(1, rejected.ExitCode);
        Assert.Contains("rolling back to 'other'", rejected.Stdout);
        Assert.Equal("other", _tree.State.Good);
        Assert.Contains("rolling back to 'other'", status.Stdout);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void BootValidate_TrialNeverReachesUserspace_GrubRollsBackAfterNTriesAndStatusExplains(int tries)
    {
        Ok("upgrade", "stage", "trial", "--tries", tries.ToString());
        for (int i = 0; i < tries; i++)
        {
            Assert.Equal("trial", _tree.GrubBoots());
            // The trial dies before userspace: no validator runs on this boot.
        }

        Assert.Equal("good", _tree.GrubBoots());
        var validate = Ok("boot", "validate", "--no-reboot");
        var status = Ok("status");

        Assert.Contains("used all its tries", validate.Stdout);
        Assert.Contains("ROLLBACK", status.Stdout);
        Assert.Null(_tree.State.Boot);
        Assert.Equal("trial", _tree.State.Failed);
    }

    [Fact]
    public void BootValidate_KnownGoodUnhealthyAfterRollback_RecordsRollbackAndExits1()
    {
        _tree.RequiredCheck("50-app", 1, "app broken everywhere");
        Ok("upgrade", "stage", "trial");
        _tree.GrubBoots();
        _tree.Run("boot", "validate", "--no-reboot");
        _tree.GrubBoots();

        var result = _tree.Run("boot", "validate", "--no-reboot");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("was rejected on its last boot", result.Stdout);
        Assert.Contains("app broken everywhere", result.Stderr);
        Assert.Null(_tree.State.Boot);
    }

    [Fact]
    public void BootValidate_TrialFailsToLoad_GrubFallsBackAndValidatorEndsTheTrial()
    {
        Ok("upgrade", "stage", "trial");
        Assert.Equal("good", _tree.GrubBoots(loads: false));

        var result = Ok("boot", "validate", "--no-reboot");

        Assert.Contains("failed to load", result.Stdout);
        Assert.Null(_tree.State.Trial);
        Assert.Null(_tree.State.Boot);
        Assert.Equal("good", _tree.GrubBoots());
        Assert.Contains("boot is healthy", Ok("boot", "validate", "--no-reboot").Stdout);
    }

    [Fact]
    public void UpgradeCommit_TrialNotRunning_RefusedNothingWritten()
    {
        Ok("upgrade", "stage", "trial");
        byte[] before = _tree.GrubEnvBytes;

        var result = _tree.Run("upgrade", "commit");

        Assert.Equal(75, result.ExitCode);
        Assert.Contains("not the running kernel", result.Stderr);
        Assert.Equal(before, _tree.GrubEnvBytes);
    }

    [Fact]
    public void UpgradeAbort_Staged_KnownGoodBootsNextAndAbortAgainIsANoOp()
    {
        Ok("upgrade", "stage", "trial");

        Ok("upgrade", "abort");
        var again = Ok("upgrade", "abort");

        Assert.Null(_tree.State.Trial);
        Assert.Contains("nothing to abort", again.Stdout);
        Assert.Equal("good", _tree.GrubBoots());
    }

    [Fact]
    public void BootMarkBad_RunningTrial_KnownGoodNext()
    {
        Ok("upgrade", "stage", "trial");
        _tree.GrubBoots();

        Ok("boot", "mark-bad");

        Assert.Equal("good", _tree.GrubBoots());
        Assert.Equal("trial", _tree.State.Failed);
    }

    /// <summary>upgrade commit and boot mark-good once differed (only one wrote the journal); one path now.</summary>
    [Theory]
    [InlineData("upgrade", "commit")]
    [InlineData("boot", "mark-good")]
    public void CommitByHand_EitherCommand_CommitsAndJournalsWhichCommand(string group, string verb)
    {
        Ok("upgrade", "stage", "trial");
        _tree.GrubBoots();

        var result = Ok(group, verb);

        Assert.Equal("committed 'trial': it is now the known-good and default entry\n", result.Stdout);
        Assert.Equal("trial", _tree.State.Good);
        string journal = string.Join("\n", Directory.GetFiles(_tree.Dir.File("var/lib/appliance/boots")).Select(File.ReadAllText));
        Assert.Contains("committed by hand", journal, StringComparison.Ordinal);
        Assert.Contains($"appliance {group} {verb}", journal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("upgrade", "commit")]
    [InlineData("boot", "mark-good")]
    public void CommitByHand_TrialArmedTheRescue_RestoresPanicSettingsAndFiresTheCommittedHook(string group, string verb)
    {
        Ok("upgrade", "stage", "trial");
        _tree.GrubBoots();
        _tree.Write("proc/sys/kernel/panic", "0\n");
        _tree.Write("proc/sys/kernel/panic_on_oops", "0\n");
        Appliance.Linux.Kexec.PanicPolicy.Apply(_tree.Root);
        Assert.Equal("1", File.ReadAllText(_tree.Dir.File("proc/sys/kernel/panic_on_oops")).Trim());
        string log = _tree.Dir.File("hook.log");
        Linux.Health.CheckTree.Script(_tree.Dir, "etc/appliance/hooks.d/committed/record", $"printf '%s\\n' \"$APPLIANCE_EVENT\" > {log}");

        Ok(group, verb);

        Assert.Equal("0", File.ReadAllText(_tree.Dir.File("proc/sys/kernel/panic_on_oops")).Trim());
        Assert.Equal("0", File.ReadAllText(_tree.Dir.File("proc/sys/kernel/panic")).Trim());
        Assert.True(File.Exists(log), "the committed hook did not run");
        Assert.Equal("committed\n", File.ReadAllText(log));
    }

    [Theory]
    [InlineData(0, "empty (0 bytes)")]
    [InlineData(40, "not a Linux kernel image")]
    public void UpgradeStage_TrialKernelEmptyOrNotAKernel_Exit65NamingTheFileNothingWritten(int size, string expected)
    {
        File.WriteAllBytes(_tree.Dir.File("boot/vmlinuz-6.1"), System.Text.Encoding.ASCII.GetBytes(new string('x', size)));
        byte[] before = _tree.GrubEnvBytes;

        var result = _tree.Run("upgrade", "stage", "trial");

        Assert.True(result.ExitCode == 65, result.ToString());
        Assert.Contains("vmlinuz-6.1", result.Stderr);
        Assert.Contains(expected, result.Stderr);
        Assert.Equal(before, _tree.GrubEnvBytes);
    }

    [Theory]
    [InlineData("/boot/vmlinuz-6.1-removed", 66, "is a symbolic link to '/boot/vmlinuz-6.1-removed', which does not exist")]
    [InlineData("vmlinuz-6.1", 65, "more than 40 symbolic links on the way (a loop?)")]
    public void UpgradeStage_TrialKernelIsADanglingOrLoopingSymlink_RefusedSayingSoNotPermissionDenied(string target, int exitCode, string expected)
    {
        File.Delete(_tree.Dir.File("boot/vmlinuz-6.1"));
        File.CreateSymbolicLink(_tree.Dir.File("boot/vmlinuz-6.1"), target);
        byte[] before = _tree.GrubEnvBytes;

        var result = _tree.Run("upgrade", "stage", "trial");

        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.Contains("vmlinuz-6.1", result.Stderr);
        Assert.Contains(expected, result.Stderr);
        Assert.DoesNotContain("ermission", result.Stderr);
        Assert.Equal(before, _tree.GrubEnvBytes);
    }

    [Fact]
    public void UpgradeStage_KernelPathHoldsGrubVariable_StagedWithANoteThatItWasNotChecked()
    {
        string cfg = File.ReadAllText(_tree.Dir.File("boot/grub/grub.cfg"));
        _tree.Write("boot/grub/grub.cfg", cfg.Replace("linux /boot/vmlinuz-6.1 root=/dev/vda1 ro console=ttyS0 appliance.variant=trial", "linux /boot/vmlinuz-$kver root=/dev/vda1 ro console=ttyS0 appliance.variant=trial"));

        var result = Ok("upgrade", "stage", "trial");

        Assert.Contains("note: '/boot/vmlinuz-$kver' of entry 'trial' names a GRUB variable", result.Stderr);
        Assert.Equal("trial", _tree.State.Trial);
    }

    [Fact]
    public void BootMarkGood_RunningTrial_Commits()
    {
        Ok("upgrade", "stage", "trial");
        _tree.GrubBoots();

        Ok("boot", "mark-good");

        Assert.Equal("trial", _tree.State.Good);
        Assert.Equal("trial", _tree.GrubBoots());
    }

    [Fact]
    public void BootValidate_ConfigTypo_Exit78NamingFileAndLine()
    {
        Linux.Health.CheckTree.Text(_tree.Dir, "etc/appliance/appliance.conf", "[Boot]\nTriess=3\n");

        var result = _tree.Run("boot", "validate", "--no-reboot");

        Assert.Equal(78, result.ExitCode);
        Assert.Contains("appliance.conf:2", result.Stderr);
        Assert.Contains("Triess", result.Stderr);
    }

    [Fact]
    public void BootValidate_KexecCannotBeArmed_TrialStillCommittedAndTheReasonIsShown()
    {
        Ok("upgrade", "stage", "trial");
        _tree.GrubBoots();

        var result = Ok("boot", "validate", "--no-reboot");

        Assert.Contains("cannot arm kexec", result.Stderr);
        Assert.Contains("ignoring", result.Stderr);
        Assert.Equal("trial", _tree.State.Good);
    }

    [Fact]
    public void BootValidate_RescueKernelAfterTrialPanic_SavesPanicLogRejectsTrialAndStatusNamesThePanic()
    {
        Ok("upgrade", "stage", "trial");
        _tree.GrubBoots();
        // The crash kernel: the known-good entry's command line plus the rescue token, and the
        // trial's panic in pstore.
        _tree.Running("good");
        _tree.Write("proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz-6.1 root=/dev/vda1 ro console=ttyS0 nr_cpus=1 appliance.rescue=1\n");
        _tree.Write("sys/fs/pstore/dmesg-ramoops-0", "<6>[   12.1] sysrq: Trigger a crash\n<0>[   12.1] Kernel panic - not syncing: sysrq triggered crash\n<4>[   12.1] CPU: 0 PID: 1 Comm: sh\n");

        var rescue = _tree.Run("boot", "validate", "--no-reboot");
        Assert.Equal("good", _tree.GrubBoots());
        Ok("boot", "validate", "--no-reboot");
        using var status = System.Text.Json.JsonDocument.Parse(Ok("status", "--json").Stdout);

        Assert.Equal(1, rescue.ExitCode);
        Assert.Contains("crashed into the rescue kernel", rescue.Stdout);
        Assert.Equal("trial", _tree.State.Failed);
        Assert.Contains("Kernel panic - not syncing: sysrq triggered crash", status.RootElement.GetProperty("rollback").GetString());
        Assert.NotEmpty(Directory.GetFiles(_tree.Dir.File("var/lib/appliance/forensics")));
    }

    [Fact]
    public void UpgradeStage_GrubCfgWithoutApplianceBlock_Exit78SaysUpdateGrubNothingWritten()
    {
        string cfg = Path.Combine(_tree.Root, "boot/grub/grub.cfg");
        File.WriteAllText(cfg, File.ReadAllText(cfg).Replace(GrubContract.Marker, "", StringComparison.Ordinal));
        byte[] before = _tree.GrubEnvBytes;

        var result = _tree.Run("upgrade", "stage", "trial");

        Assert.Equal(78, result.ExitCode);
        Assert.Contains("update-grub", result.Stderr);
        Assert.Contains(cfg, result.Stderr);
        Assert.Equal(before, _tree.GrubEnvBytes);
    }

    [Fact]
    public void UpgradePin_NothingRecorded_PinsTheRunningEntry()
    {
        Ok("upgrade", "pin");

        Assert.Equal(TrialState.Empty with { Good = "good", SavedEntry = "good" }, _tree.State);
    }

    [Fact]
    public void UpgradePin_IfUnsetWithKnownGoodRecorded_LeavesItAndWritesNothing()
    {
        Ok("upgrade", "pin", "trial");
        byte[] before = _tree.GrubEnvBytes;

        var result = Ok("upgrade", "pin", "--if-unset");

        Assert.Contains("already 'trial'", result.Stdout);
        Assert.Equal(before, _tree.GrubEnvBytes);
    }

    [Fact]
    public void UpgradePin_TrialStaged_RefusedNothingWritten()
    {
        Ok("upgrade", "stage", "trial");
        byte[] before = _tree.GrubEnvBytes;

        var result = _tree.Run("upgrade", "pin", "good");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("commit or abort", result.Stderr);
        Assert.Equal(before, _tree.GrubEnvBytes);
    }

    [Fact]
    public void BootValidate_HealthyNormalBootNothingPinned_PinsTheRunningEntryForGrub()
    {
        Ok("boot", "validate", "--no-reboot");

        Assert.Equal("good", _tree.State.Good);
    }

    [Fact]
    public void BootValidate_HealthyOneShotBootOfAnotherEntry_PinsNothing()
    {
        _tree.Running("trial");

        Ok("boot", "validate", "--no-reboot");

        Assert.Null(_tree.State.Good);
    }

    [Fact]
    public void BootDeadline_NotATrialBoot_EndsAtOnceWritingNothing()
    {
        byte[] before = _tree.GrubEnvBytes;

        var result = Ok("boot", "deadline", "--no-reboot");

        Assert.Contains("not a trial boot", result.Stdout);
        Assert.Equal(before, _tree.GrubEnvBytes);
    }

    /// <summary>A staged trial that GRUB booted; the kernel has been up well past the 900 s default deadline.</summary>
    private void TrialBootedLongAgo()
    {
        Ok("upgrade", "stage", "trial");
        Assert.Equal("trial", _tree.GrubBoots());
        _tree.Write("proc/uptime", "5000.00 9000.00\n");
    }

    [Fact]
    public void BootDeadline_TrialNeverValidatedPastTheDeadline_RejectedJournalledExit1()
    {
        TrialBootedLongAgo();

        var result = _tree.Run("boot", "deadline", "--no-reboot");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("was not validated within 900 s", result.Stdout);
        Assert.Equal(TrialMachine.BootRejected, _tree.State.Boot);
        Assert.Equal("trial", _tree.State.Failed);
        Assert.Null(_tree.State.Trial);
        var status = Ok("status", "--json");
        Assert.Contains("not validated within 900 s", status.Stdout);
    }

    [Fact]
    public void Status_KnownGoodValidatedAfterADeadlineRejection_RollbackStillNamesTheDeadline()
    {
        TrialBootedLongAgo();
        _tree.Run("boot", "deadline", "--no-reboot");
        Assert.Equal("good", _tree.GrubBoots());
        Ok("boot", "validate", "--no-reboot");

        using var json = JsonDocument.Parse(Ok("status", "--json").Stdout);

        Assert.Contains("not validated within 900 s", json.RootElement.GetProperty("rollback").GetString());
    }

    [Fact]
    public void BootDeadline_TrialAlreadyValidated_EndsWithoutTouchingTheCommit()
    {
        TrialBootedLongAgo();
        Ok("boot", "validate", "--no-reboot");
        byte[] before = _tree.GrubEnvBytes;

        Ok("boot", "deadline", "--no-reboot");

        Assert.Equal(before, _tree.GrubEnvBytes);
        Assert.Equal("trial", _tree.State.Good);
    }

    [Fact]
    public void BootDeadline_UptimeUnreadable_Exit71NamingTheFileWritingNothing()
    {
        TrialBootedLongAgo();
        _tree.Write("proc/uptime", "garbage\n");
        byte[] before = _tree.GrubEnvBytes;

        var result = _tree.Run("boot", "deadline", "--no-reboot");

        Assert.True(result.ExitCode == 71, result.ToString());
        Assert.Contains("proc/uptime", result.Stderr);
        Assert.Equal(before, _tree.GrubEnvBytes);
    }
}
