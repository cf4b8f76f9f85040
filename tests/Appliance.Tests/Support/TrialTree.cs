using Appliance.Core.Boot;
using Appliance.Core.Grubenv;

namespace Appliance.Tests.Support;

/// <summary>
/// A fake machine for the trial-boot commands: grub.cfg with a known-good and two trial entries
/// sharing one kernel, a grubenv, /proc files, and the real grub/appliance.cfg run before each boot
/// (<see cref="GrubTrialScript"/>; the VM suite boots the real GRUB against the same expectations).
/// </summary>
public sealed class TrialTree : IDisposable
{
    private const string Args = "root=/dev/vda1 ro console=ttyS0";
    private readonly string _trialKernel;
    private int _boots;

    /// <param name="trialRelease">
    /// When set, the 'trial' entry boots a kernel of its own, /boot/vmlinuz-RELEASE, whose
    /// header names that release (<see cref="FakeKernel"/>); else it shares known-good's kernel.
    /// </param>
    public TrialTree(string? trialRelease = null)
    {
        _trialKernel = trialRelease is null ? "/boot/vmlinuz-6.1" : $"/boot/vmlinuz-{trialRelease}";
        Dir.WriteKernel("boot/vmlinuz-6.1");
        if (trialRelease is not null)
        {
            Dir.WriteKernel(_trialKernel.TrimStart('/'), trialRelease);
        }

        Write("boot/initrd.img-6.1", "initrd");
        Write("boot/grub/grub.cfg", $$"""
            set default=0
            {{GrubContract.Marker}}
            menuentry 'Debian good' --id good {
              linux /boot/vmlinuz-6.1 {{Args}}
              initrd /boot/initrd.img-6.1
            }
            menuentry 'Debian trial' --id trial {
              linux {{_trialKernel}} {{Args}} appliance.variant=trial
              initrd /boot/initrd.img-6.1
            }
            menuentry 'Missing kernel' --id missing {
              linux /boot/vmlinuz-missing {{Args}} appliance.variant=missing
              initrd /boot/initrd.img-6.1
            }
            """);
        File.WriteAllBytes(GrubEnvPath, GrubEnvBlock.Create().Bytes.ToArray());
        Mounts("22 1 254:1 / / rw,relatime - ext4 /dev/vda1 rw");
        Running("good");
    }

    public TempDir Dir { get; } = new();

    /// <summary>The trial entry's kernel, as grub.cfg names it.</summary>
    public string TrialKernel => _trialKernel;

    public string Root => Dir.Path;

    public string GrubEnvPath => Dir.File("boot/grub/grubenv");

    public byte[] GrubEnvBytes => File.ReadAllBytes(GrubEnvPath);

    public TrialState State => TrialState.From(GrubEnvBlock.Parse(GrubEnvBytes));

    public string Write(string relative, string text) => Dir.Write(relative, text);

    public void Mounts(params string[] lines) => Write("proc/self/mountinfo", string.Join("\n", lines) + "\n");

    /// <summary>Starts a new boot of <paramref name="entry"/>: a fresh boot id and that entry's command line.</summary>
    public void Running(string entry)
    {
        _boots++;
        Write("proc/sys/kernel/random/boot_id", $"{_boots:x8}-0000-4000-8000-000000000000\n");
        string extra = entry == "good" ? "" : $" appliance.variant={entry}";
        string kernel = entry switch
        {
            "missing" => "/boot/vmlinuz-missing",
            "trial" => _trialKernel,
            _ => "/boot/vmlinuz-6.1",
        };
        Write("proc/cmdline", $"BOOT_IMAGE={kernel} {Args}{extra}\n");
    }

    /// <summary>
    /// A boot: the real grub/appliance.cfg runs (<see cref="GrubTrialScript"/>), then the kernel it
    /// picked starts; returns the entry that reached userspace. With <paramref name="loads"/> false
    /// the trial's kernel fails to load and GRUB takes the script's fallback entry.
    /// </summary>
    public string GrubBoots(bool loads = true)
    {
        var block = GrubEnvBlock.Parse(GrubEnvBytes);
        string? trial = TrialState.From(block).Trial;
        string entry = GrubTrialScript.BootEntry(block, e => loads || e != trial);
        File.WriteAllBytes(GrubEnvPath, block.Bytes.ToArray());

        // grub.cfg's "set default=0" is the first entry, 'good'.
        entry = entry == "0" ? "good" : entry;
        Running(entry);
        return entry;
    }

    /// <summary>A required greenboot-style check that fails (or passes) with the given output.</summary>
    public void RequiredCheck(string name, int exitCode, string output)
    {
        Linux.Health.CheckTree.Script(Dir, $"etc/appliance/checks.d/required.d/{name}", $"echo '{output}'\nexit {exitCode}");
    }

    public CliResult Run(params string[] args) => InProcessCli.Run(["--root", Root, .. args]);

    /// <summary>
    /// The rollback cycle most tests start from: a trial whose required check fails is staged,
    /// boots and is rejected; known-good boots (where the check passes) and is validated.
    /// </summary>
    public (CliResult Rejected, CliResult AfterRollback) RunSickTrial(string output = "app did not answer")
    {
        RequiredCheck("50-app", 1, output);
        var staged = Run("upgrade", "stage", "trial");
        Assert.True(staged.ExitCode == 0, staged.ToString());
        GrubBoots();
        var rejected = Run("boot", "validate", "--no-reboot");
        RequiredCheck("50-app", 0, "fine");
        GrubBoots();
        var after = Run("boot", "validate", "--no-reboot");
        Assert.True(after.ExitCode == 0, after.ToString());
        return (rejected, after);
    }

    public void Dispose() => Dir.Dispose();
}
