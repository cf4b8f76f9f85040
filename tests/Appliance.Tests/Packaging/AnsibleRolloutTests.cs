using Appliance.Tests.Support;

namespace Appliance.Tests.Packaging;

/// <summary>
/// tools/ansible's rollout against fake hosts: ansible_connection=local hosts whose 'appliance'
/// is tools/ansible/tests/fake-appliance, answering as a good kernel (committed) or a bad one
/// (rolled back with Appliance's rollback sentence). The real two-guest run needs SSH in the
/// VM image; see tools/ansible/README.md.
/// </summary>
public sealed class AnsibleRolloutTests : IDisposable
{
    private const string Entry = "gnulinux-advanced-x>gnulinux-6.2-advanced-x";

    private static readonly string Dir = Path.Combine(RepoPaths.Root, "tools/ansible");

    private readonly TempDir _hosts = new();

    public void Dispose() => _hosts.Dispose();

    [Fact]
    public void Playbook_SyntaxCheck_Passes()
    {
        var result = Playbook("--syntax-check", "-i", "localhost,", "-e", $"entry={Entry}");

        Assert.True(result.ExitCode == 0, result.ToString() + result.StdoutText);
    }

    [Fact]
    public void Rollout_BadCanary_StopsAtTheCanaryWithItsNameAndRollbackReasonOtherHostUntouched()
    {
        string inventory = Inventory(("canary-bad", "bad"), ("second-good", "good"));

        var result = Playbook("-i", inventory, "-e", $"entry={Entry}");

        string output = result.StdoutText;
        Assert.True(result.ExitCode == 2, result.ToString() + output);
        Assert.Contains($"canary-bad: kernel {Entry} was NOT committed (rolled-back)", output);
        Assert.Contains("failing checks: 50-app (fail: app did not answer on :8080)", output);
        Assert.Contains("NO MORE HOSTS LEFT", output);
        Assert.Contains($"upgrade stage {Entry} --tries 3 --json", File.ReadAllText(_hosts.File("canary-bad/calls")));
        Assert.False(File.Exists(_hosts.File("second-good/calls")), "the rollout went on past the failed canary");
    }

    [Fact]
    public void Rollout_GoodCanaryBadSecond_CanaryCommittedThenStopsNamingTheSecond()
    {
        string inventory = Inventory(("canary-good", "good"), ("second-bad", "bad"), ("third-good", "good"));

        var result = Playbook("-i", inventory, "-e", $"entry={Entry}");

        string output = result.StdoutText;
        Assert.True(result.ExitCode == 2, result.ToString() + output);
        Assert.Contains($"canary-good: {Entry} committed", output);
        Assert.Contains($"second-bad: kernel {Entry} was NOT committed (rolled-back)", output);
        Assert.DoesNotContain("canary-good: kernel", output);
    }

    /// <summary>
    /// Issue 14: the batch is the blast radius. With the default batch of one, a failing second
    /// host stops the rollout before the third is staged or rebooted (with the former 25%
    /// batches, hosts 2 and 3 of 8 rebooted together).
    /// </summary>
    [Fact]
    public void Rollout_EightHostsSecondBad_DefaultBatchOfOne_ThirdNeverStagedNorRebooted()
    {
        var hosts = new List<(string, string)> { ("h1", "good"), ("h2", "bad") };
        hosts.AddRange(Enumerable.Range(3, 6).Select(i => ($"h{i}", "good")));
        string inventory = Inventory([.. hosts]);

        var result = Playbook("-i", inventory, "-e", $"entry={Entry}");

        string output = result.StdoutText;
        Assert.True(result.ExitCode == 2, result.ToString() + output);
        Assert.Contains($"h1: {Entry} committed", output);
        Assert.Contains($"h2: kernel {Entry} was NOT committed (rolled-back)", output);
        Assert.True(File.Exists(_hosts.File("h2/rebooted")), "h2 was never rebooted");
        foreach (int i in Enumerable.Range(3, 6))
        {
            Assert.False(File.Exists(_hosts.File($"h{i}/calls")), $"h{i} was staged after h2 failed");
            Assert.False(File.Exists(_hosts.File($"h{i}/rebooted")), $"h{i} was rebooted after h2 failed");
        }
    }

    /// <summary>A larger batch is asked for explicitly, and then the whole batch reboots together: that is its blast radius.</summary>
    [Fact]
    public void Rollout_BatchOfTwo_SecondBad_ItsBatchMateRebootedTooThenStops()
    {
        string inventory = Inventory(("h1", "good"), ("h2", "bad"), ("h3", "good"), ("h4", "good"));

        var result = Playbook("-i", inventory, "-e", $"entry={Entry}", "-e", "appliance_rollout_batch=2");

        Assert.True(result.ExitCode == 2, result.ToString() + result.StdoutText);
        Assert.True(File.Exists(_hosts.File("h3/rebooted")), "h3, in h2's batch, was not rebooted");
        Assert.False(File.Exists(_hosts.File("h4/calls")), "h4 was staged after h2's batch failed");
    }

    /// <summary>
    /// Issue 14: a host whose GRUB ignores the trial (Appliance's block missing from grub.cfg)
    /// comes back on a new boot still staged with every try left, running known-good. That
    /// never changes by waiting, so the role fails at the first poll with that reason instead of
    /// polling for the whole status budget (here 60 polls 5 s apart: 5 minutes).
    /// </summary>
    [Fact]
    public void Rollout_GrubIgnoresTheTrial_FailsAtOnceNamingTheReason()
    {
        string inventory = Inventory(("h1", "ignored"), ("h2", "good"));
        var started = DateTime.UtcNow;

        var result = Playbook("-i", inventory, "-e", $"entry={Entry}", "-e", "appliance_status_retries=60", "-e", "appliance_status_delay=5");

        var took = DateTime.UtcNow - started;
        string output = result.StdoutText;
        Assert.True(result.ExitCode == 2, result.ToString() + output);
        Assert.Contains($"h1: GRUB did not attempt the trial {Entry}", output);
        Assert.Contains("update-grub", output);
        Assert.True(took < TimeSpan.FromSeconds(60), $"took {took.TotalSeconds:F0} s: it polled instead of failing at once");
        Assert.Single(File.ReadAllLines(_hosts.File("h1/calls")), l => l.StartsWith("upgrade status", StringComparison.Ordinal));
        Assert.False(File.Exists(_hosts.File("h2/calls")));
    }

    /// <summary>Issue 17: a host whose kernel failed a trial before refuses the stage (exit 78); the role fails it with the agent's words, never reboots it, and stops.</summary>
    [Fact]
    public void Rollout_QuarantinedKernel_HostFailedWithTheReasonNotRebootedRolloutStops()
    {
        string inventory = Inventory(("h1", "quarantined"), ("h2", "good"));

        var result = Playbook("-i", inventory, "-e", $"entry={Entry}");

        string output = result.StdoutText;
        Assert.True(result.ExitCode == 2, result.ToString() + output);
        Assert.Contains($"h1: kernel {Entry} is QUARANTINED here", output);
        Assert.Contains("checks-failed", output);
        Assert.Contains("appliance upgrade forget 6.2.0-1-amd64", output);
        Assert.Contains("The host was not rebooted", output);
        Assert.False(File.Exists(_hosts.File("h1/rebooted")), "the quarantined host was rebooted");
        Assert.DoesNotContain(File.ReadAllLines(_hosts.File("h1/calls")), l => l.StartsWith("upgrade status", StringComparison.Ordinal));
        Assert.False(File.Exists(_hosts.File("h2/calls")));
    }

    [Fact]
    public void Rollout_AllGood_EveryHostCommittedExitZero()
    {
        string inventory = Inventory(("canary", "good"), ("a", "good"), ("b", "good"));

        var result = Playbook("-i", inventory, "-e", $"entry={Entry}");

        Assert.True(result.ExitCode == 0, result.ToString() + result.StdoutText);
        foreach (string host in new[] { "canary", "a", "b" })
        {
            Assert.Contains($"{host}: {Entry} committed", result.StdoutText);
        }
    }

    [Fact]
    public void Rollout_NoEntry_FailsBeforeTouchingAnyHost()
    {
        string inventory = Inventory(("canary", "good"));

        var result = Playbook("-i", inventory);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("-e entry=", result.StdoutText);
        Assert.False(File.Exists(_hosts.File("canary/calls")));
    }

    /// <summary>An inventory of fake hosts, in rollout order, each with its own shim and kernel verdict.</summary>
    private string Inventory(params (string Name, string Kernel)[] hosts)
    {
        var lines = new List<string> { "[appliances]" };
        foreach (var (name, kernel) in hosts)
        {
            string dir = _hosts.Subdirectory(name);
            File.Copy(Path.Combine(Dir, "tests/fake-appliance"), Path.Combine(dir, "appliance"));
            File.WriteAllText(Path.Combine(dir, "kernel"), kernel + "\n");
            File.WriteAllText(Path.Combine(dir, "boot_id"), Guid.NewGuid() + "\n");
            // A "reboot" is a new boot id, as the role reads it, and the fake's verdict from then on.
            lines.Add($"{name} appliance_bin={dir}/appliance appliance_boot_id_command=\"cat {dir}/boot_id\" "
                + $"appliance_reboot_command=\"touch {dir}/rebooted; cat /proc/sys/kernel/random/uuid >{dir}/boot_id\"");
        }

        lines.AddRange(
        [
            "[appliances:vars]",
            "ansible_connection=local",
            "ansible_python_interpreter=/usr/bin/python3",
            "appliance_wait_for_ssh=false",
            "appliance_status_retries=3",
            "appliance_status_delay=0",
        ]);
        return _hosts.Write("inventory.ini", string.Join("\n", lines) + "\n");
    }

    private ProcessResult Playbook(params string[] args)
    {
        string playbook = Tools.Require("ansible-playbook", "ansible-core");
        return Tools.Run(TimeSpan.FromMinutes(3), "/usr/bin/env",
            [$"ANSIBLE_CONFIG={Dir}/ansible.cfg", $"ANSIBLE_LOCAL_TEMP={_hosts.File("ansible-tmp")}", "ANSIBLE_NOCOLOR=1", "ANSIBLE_FORCE_COLOR=0",
             playbook, Path.Combine(Dir, "rollout.yml"), .. args]);
    }
}
