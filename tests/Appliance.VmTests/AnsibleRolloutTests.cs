using System.Diagnostics;
using System.Globalization;
using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>
/// The real Ansible rollout (tools/ansible/rollout.yml, role appliance_kernel_rollout) against two
/// QEMU boards reachable only on 127.0.0.1: each gets an e1000 NIC with a hostfwd to its dropbear
/// (appliance.net=1 on its command line through grubenv's vm_cmdline, so the guest stays up).
/// guest-a is given the healthy `trial`, guest-b `trial-sick` (a required check fails).
/// Run 1, guest-b as canary: exit 2, guest-b named with its rollback reason, guest-a never staged.
/// Run 2, guest-a as canary (then guest-b, now given the healthy trial): exit 0, both committed.
/// </summary>
public sealed class AnsibleRolloutTests(ITestOutputHelper output)
{
    private const string Scenario = "ansible-rollout";

    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", Scenario)]
    public async Task AnsibleRollout_BadCanary_HaltsNamingHostAndReason_ThenGoodCanaryCommits()
    {
        var playbook = ToolRunner.Which("ansible-playbook")
            ?? throw new BoardException("'ansible-playbook' not found: install ansible-core (make deps)");
        var layout = RepoLayout.Discover();
        var key = Path.Combine(Path.GetDirectoryName(layout.PristineImage)!, "ssh", "id_ed25519");
        Assert.True(File.Exists(key), $"{key} is missing: run 'make vm-image' (tools/vm/build-image.sh)");

        var portA = QemuBoard.FreeLoopbackPort();
        var portB = QemuBoard.FreeLoopbackPort();
        while (portB == portA)
        {
            portB = QemuBoard.FreeLoopbackPort();
        }

        await using var a = QemuBoard.Create(Scenario + "-a", layout, l => output.WriteLine("[guest-a] " + l), portA);
        await using var b = QemuBoard.Create(Scenario + "-b", layout, l => output.WriteLine("[guest-b] " + l), portB);
        var clock = Stopwatch.StartNew();
        foreach (var board in new[] { a, b })
        {
            board.EnableGuestNetwork();
            board.Start();
        }

        await Task.WhenAll(WaitUpAsync(a), WaitUpAsync(b));
        output.WriteLine($"[test] both guests up (SSH) after {clock.Elapsed.TotalSeconds:F1} s");

        var work = Directory.CreateTempSubdirectory("appliance-ansible-");
        try
        {
            // Run 1: the bad kernel's host is the canary.
            var inventory1 = WriteInventory(work.FullName, "run1.ini", key, ("guest-b", portB, "trial-sick"), ("guest-a", portA, "trial"));
            var run1 = await RunPlaybookAsync(playbook, layout, inventory1, work.FullName);
            output.WriteLine($"[test] run 1 (canary guest-b, trial-sick): exit {run1.ExitCode} in {run1.Seconds:F1} s");
            Assert.True(run1.ExitCode == 2, $"run 1 should exit 2, got {run1.ExitCode}:\n{run1.Output}");
            Assert.Contains("guest-b: kernel trial-sick was NOT committed (rolled-back)", run1.Output, StringComparison.Ordinal);
            Assert.Contains("app did not answer", run1.Output, StringComparison.Ordinal);
            Assert.Contains("Rollout stopped", run1.Output, StringComparison.Ordinal);
            Assert.Contains("NO MORE HOSTS LEFT", run1.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(": [guest-a]", run1.Output, StringComparison.Ordinal);
            // guest-b tried the trial, was rejected, and is back on known-good; guest-a never rebooted.
            Assert.True(b.Count(Markers.GrubBooting("trial-sick")) == 1, "guest-b should boot trial-sick once");
            Assert.True(b.Count(Markers.GrubBooting(BoardScenarios.Good)) == 2, "guest-b should boot good before and after the trial");
            Assert.Equal(1, a.Boots);

            // Run 2: the good kernel's host is the canary; guest-b now gets the healthy trial too.
            var inventory2 = WriteInventory(work.FullName, "run2.ini", key, ("guest-a", portA, "trial"), ("guest-b", portB, "trial"));
            var run2 = await RunPlaybookAsync(playbook, layout, inventory2, work.FullName);
            output.WriteLine($"[test] run 2 (canary guest-a, trial): exit {run2.ExitCode} in {run2.Seconds:F1} s");
            Assert.True(run2.ExitCode == 0, $"run 2 should exit 0, got {run2.ExitCode}:\n{run2.Output}");
            Assert.Contains("guest-a: trial committed", run2.Output, StringComparison.Ordinal);
            Assert.Contains("guest-b: trial committed", run2.Output, StringComparison.Ordinal);
            Assert.True(a.Count(Markers.GrubBooting("trial")) == 1, "guest-a should boot trial once");
            output.WriteLine($"[test] total {clock.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task WaitUpAsync(QemuBoard board) =>
        await board.WaitForAsync("APPLIANCE-MARKER: net staying up ssh=up").ConfigureAwait(false);

    private static string WriteInventory(string dir, string name, string key, params (string Host, int Port, string Entry)[] hosts)
    {
        var lines = new List<string> { "[appliances]" };
        lines.AddRange(hosts.Select(h => string.Create(CultureInfo.InvariantCulture,
            $"{h.Host} ansible_host=127.0.0.1 ansible_port={h.Port} entry={h.Entry}")));
        lines.Add("[appliances:vars]");
        lines.Add("ansible_user=root");
        lines.Add($"ansible_ssh_private_key_file={key}");
        // One host key for every guest on 127.0.0.1: keep the controller's known_hosts out of it.
        lines.Add("ansible_ssh_common_args='-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o LogLevel=ERROR'");
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }

    private sealed record PlaybookRun(int ExitCode, string Output, double Seconds);

    private async Task<PlaybookRun> RunPlaybookAsync(string playbook, RepoLayout layout, string inventory, string work)
    {
        var ansibleDir = Path.Combine(layout.Root, "tools", "ansible");
        var psi = new ProcessStartInfo(playbook)
        {
            WorkingDirectory = ansibleDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "-i", inventory, "rollout.yml",
            "-e", "appliance_status_delay=2", "-e", "appliance_status_retries=90",
            "-e", "appliance_up_timeout=120",
        })
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["ANSIBLE_CONFIG"] = Path.Combine(ansibleDir, "ansible.cfg");
        psi.Environment["ANSIBLE_SSH_CONTROL_PATH_DIR"] = Path.Combine(work, "cp");
        psi.Environment["ANSIBLE_LOCAL_TEMP"] = Path.Combine(work, "tmp");
        // No control master: one kept from before a guest's reboot would wait on a connection
        // QEMU's user network never resets. A fresh ssh to dropbear costs ~0.3 s.
        psi.Environment["ANSIBLE_SSH_ARGS"] = "-o ControlMaster=no -o ServerAliveInterval=2 -o ServerAliveCountMax=3";
        psi.Environment["ANSIBLE_NOCOLOR"] = "1";
        psi.Environment["ANSIBLE_FORCE_COLOR"] = "0";
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi) ?? throw new BoardException("could not start " + playbook);
        var lines = new List<string>();
        var pumps = new[] { p.StandardOutput, p.StandardError }.Select(reader => Task.Run(async () =>
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                lock (lines)
                {
                    lines.Add(line);
                }

                output.WriteLine("[ansible] " + line);
            }
        })).ToArray();
        await p.WaitForExitAsync().ConfigureAwait(false);
        await Task.WhenAll(pumps).ConfigureAwait(false);
        return new PlaybookRun(p.ExitCode, string.Join('\n', lines), clock.Elapsed.TotalSeconds);
    }
}
