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
            lines.Add($"{name} appliance_bin={dir}/appliance appliance_reboot_command=\"touch {dir}/rebooted\"");
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
