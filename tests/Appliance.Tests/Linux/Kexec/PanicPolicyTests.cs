using Appliance.Core.Kexec;
using Appliance.Linux.Files;
using Appliance.Linux.Kexec;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Kexec;

public sealed class PanicPolicyTests : IDisposable
{
    private readonly KexecTree _tree = new();

    public PanicPolicyTests()
    {
        _tree.Dir.Write("proc/sys/kernel/panic", "0\n");
        _tree.Dir.Write("proc/sys/kernel/panic_on_oops", "0\n");
        _tree.Dir.Write("proc/sys/kernel/softlockup_panic", "0\n");
        _tree.Dir.Write("proc/sys/kernel/hung_task_panic", "0\n");
    }

    public void Dispose() => _tree.Dispose();

    private string Sysctl(string name) => _tree.Read("proc/sys/kernel/" + name).Trim();

    [Fact]
    public void Apply_Defaults_SetsEveryPanicSysctlAndSavesThePrevious()
    {
        _tree.Dir.Write("proc/sys/kernel/panic", "300\n");

        var result = PanicPolicy.Apply(_tree.Root);

        Assert.Equal("1", Sysctl("panic"));
        Assert.Equal("1", Sysctl("panic_on_oops"));
        Assert.Equal("1", Sysctl("softlockup_panic"));
        Assert.Equal("1", Sysctl("hung_task_panic"));
        Assert.Equal(4, result.Written.Count);
        var saved = new KexecFiles(_tree.Root, LinuxFileSteps.Instance).ReadSavedSysctls();
        Assert.NotNull(saved);
        Assert.Equal(KexecTree.BootId, saved.BootId);
        Assert.Equal("300", saved.Values["kernel.panic"]);
        Assert.Equal("0", saved.Values["kernel.panic_on_oops"]);
    }

    [Fact]
    public void Apply_Twice_KeepsTheOriginalValuesSaved()
    {
        _tree.Dir.Write("proc/sys/kernel/panic", "300\n");
        PanicPolicy.Apply(_tree.Root);

        var second = PanicPolicy.Apply(_tree.Root, new PanicSettings(PanicTimeout: 5));

        Assert.Equal("5", Sysctl("panic"));
        Assert.Contains(second.Notes, n => n.Contains("already applied"));
        PanicPolicy.Restore(_tree.Root);
        Assert.Equal("300", Sysctl("panic"));
    }

    [Fact]
    public void Restore_AfterApply_PutsBackEveryValueAndRemovesTheRecord()
    {
        _tree.Dir.Write("proc/sys/kernel/panic", "300\n");
        _tree.Dir.Write("proc/sys/kernel/hung_task_panic", "0\n");
        PanicPolicy.Apply(_tree.Root);

        var result = PanicPolicy.Restore(_tree.Root);

        Assert.Equal("300", Sysctl("panic"));
        Assert.Equal("0", Sysctl("panic_on_oops"));
        Assert.Equal("0", Sysctl("softlockup_panic"));
        Assert.Equal("0", Sysctl("hung_task_panic"));
        Assert.Equal(4, result.Written.Count);
        Assert.False(File.Exists(Path.Join(_tree.Root, "var/lib/appliance/kexec/sysctl-saved.json")));
    }

    [Fact]
    public void Restore_SavedOnAnEarlierBoot_OnlyRemovesTheRecord()
    {
        PanicPolicy.Apply(_tree.Root);
        _tree.Dir.Write("proc/sys/kernel/random/boot_id", "00000000-0000-4000-8000-000000000002\n");
        _tree.Dir.Write("proc/sys/kernel/panic", "42\n");

        var result = PanicPolicy.Restore(_tree.Root);

        Assert.Empty(result.Written);
        Assert.Equal("42", Sysctl("panic"));
        Assert.Contains(result.Notes, n => n.Contains("earlier boot"));
        Assert.False(File.Exists(Path.Join(_tree.Root, "var/lib/appliance/kexec/sysctl-saved.json")));
    }

    [Fact]
    public void Restore_NothingApplied_WritesNothing()
    {
        var result = PanicPolicy.Restore(_tree.Root);

        Assert.Empty(result.Written);
        Assert.Equal("0", Sysctl("panic"));
    }

    [Fact]
    public void Apply_KernelWithoutHungTaskDetector_SkipsItWithANote()
    {
        File.Delete(_tree.Dir.File("proc/sys/kernel/hung_task_panic"));

        var result = PanicPolicy.Apply(_tree.Root);

        Assert.DoesNotContain(result.Written, w => w.Key == "kernel.hung_task_panic");
        Assert.Contains(result.Notes, n => n.StartsWith("kernel.hung_task_panic: not offered", StringComparison.Ordinal));
        Assert.False(File.Exists(_tree.Dir.File("proc/sys/kernel/hung_task_panic")));
    }

    [Fact]
    public void Apply_ThenRestore_LongerOldValueIsNotLeftTruncatedOrPadded()
    {
        _tree.Dir.Write("proc/sys/kernel/panic", "12345\n");

        PanicPolicy.Apply(_tree.Root);
        Assert.Equal("1\n", _tree.Read("proc/sys/kernel/panic"));
        PanicPolicy.Restore(_tree.Root);

        Assert.Equal("12345\n", _tree.Read("proc/sys/kernel/panic"));
    }
}
