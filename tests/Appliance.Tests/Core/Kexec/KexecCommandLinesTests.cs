using Appliance.Core.Kexec;
using Appliance.Core.Menu;

namespace Appliance.Tests.Core.Kexec;

public sealed class KexecCommandLinesTests
{
    private static MenuEntry Entry(string args, string? kernel = "/boot/vmlinuz-6.1.0-13-amd64") =>
        new("good", "Debian GNU/Linux", "good", kernel, ["/boot/initrd.img-6.1.0-13-amd64"], args, false);

    private static string? NoVariables(string name) => null;

    private static readonly IReadOnlyList<string> Memmap = ["0x9fc00@0x0", "0x3fee0000@0x100000"];

    [Fact]
    public void ForCrash_TypicalEntry_StartsWithBootImageAndEndsWithRescueWords()
    {
        var built = KexecCommandLines.ForCrash(Entry("root=/dev/vda1 ro quiet console=ttyS0,115200"), NoVariables, "", Memmap);

        Assert.Equal(
            "BOOT_IMAGE=/boot/vmlinuz-6.1.0-13-amd64 root=/dev/vda1 ro quiet console=ttyS0,115200 nr_cpus=1 irqpoll reset_devices panic=10 appliance.rescue=1 appliance.memmap=0x9fc00@0x0,0x3fee0000@0x100000",
            built.CommandLine);
        Assert.Empty(built.Notes);
    }

    [Fact]
    public void ForCrash_EntryWithReservationAndPanicSettings_DropsWhatACrashKernelMustNotInherit()
    {
        var built = KexecCommandLines.ForCrash(
            Entry("root=/dev/vda1 crashkernel=256M panic=1 nr_cpus=4 memmap=64M$0x4000000 hugepages=512 appliance.rescue=1 BOOT_IMAGE=/old"),
            NoVariables,
            "",
            []);

        var words = KernelCommandLine.Split(built.CommandLine);
        Assert.DoesNotContain(words, w => w.StartsWith("crashkernel=", StringComparison.Ordinal));
        Assert.DoesNotContain("panic=1", words);
        Assert.DoesNotContain("nr_cpus=4", words);
        Assert.DoesNotContain(words, w => w.StartsWith("memmap=", StringComparison.Ordinal) || w.StartsWith("hugepages=", StringComparison.Ordinal));
        Assert.Single(words, w => w == "appliance.rescue=1");
        Assert.Single(words, w => w.StartsWith("BOOT_IMAGE=", StringComparison.Ordinal));
        Assert.Contains("panic=10", words);
        Assert.DoesNotContain(words, w => w.StartsWith("appliance.memmap=", StringComparison.Ordinal));
    }

    [Fact]
    public void ForCrash_EntryWithoutConsole_TakesTheRunningKernelsConsoles()
    {
        var built = KexecCommandLines.ForCrash(Entry("root=/dev/vda1"), NoVariables, "BOOT_IMAGE=/boot/vmlinuz console=tty0 console=ttyS0,115200 quiet", []);

        Assert.Contains("root=/dev/vda1 console=tty0 console=ttyS0,115200 nr_cpus=1", built.CommandLine);
    }

    [Fact]
    public void ForCrash_EntryWithItsOwnConsole_KeepsOnlyThat()
    {
        var built = KexecCommandLines.ForCrash(Entry("console=ttyS1"), NoVariables, "console=tty0", []);

        Assert.DoesNotContain("console=tty0", built.CommandLine);
        Assert.Contains("console=ttyS1", built.CommandLine);
    }

    [Fact]
    public void ForCrash_GrubVariables_ExpandFromGrubenvOrAreLeftOutWithANote()
    {
        var env = new Dictionary<string, string> { ["kernelopts"] = "root=UUID=1234 ro crashkernel=auto" };

        var built = KexecCommandLines.ForCrash(Entry("$kernelopts $vt_handoff ${tuned_params}"), name => env.GetValueOrDefault(name), "", []);

        Assert.Contains("root=UUID=1234 ro nr_cpus=1", built.CommandLine);
        Assert.DoesNotContain("$", built.CommandLine);
        Assert.Equal(2, built.Notes.Count);
        Assert.Contains("$vt_handoff is not in grubenv", built.Notes[0]);
        Assert.Contains("$tuned_params", built.Notes[1]);
    }

    [Fact]
    public void ForCrash_NoKernelLine_Throws()
    {
        var e = Assert.Throws<KexecPlanException>(() => KexecCommandLines.ForCrash(Entry("quiet", kernel: null), NoVariables, "", []));

        Assert.Contains("has no linux line", e.Message);
    }

    [Fact]
    public void ForCrash_TooLongForKexec_ThrowsSayingHowLong()
    {
        string huge = string.Join(' ', Enumerable.Range(0, 300).Select(k => $"opt{k}=value"));

        var e = Assert.Throws<KexecPlanException>(() => KexecCommandLines.ForCrash(Entry(huge), NoVariables, "", []));

        Assert.Contains("more than the 2016", e.Message);
    }

    [Fact]
    public void ForCrash_UnbalancedQuoteFromAVariable_Throws()
    {
        var e = Assert.Throws<KexecPlanException>(() => KexecCommandLines.ForCrash(Entry("root=/dev/vda1 $evil"), name => name == "evil" ? "a\"b" : null, "", []));

        Assert.Contains("unbalanced double quote", e.Message);
    }

    [Fact]
    public void ForSoft_FromRescue_AddsExactMapAndDropsRescueWords()
    {
        var built = KexecCommandLines.ForSoft(Entry("root=/dev/vda1 crashkernel=256M appliance.rescue=1 mem=512M"), NoVariables, Memmap);

        Assert.Equal(
            "BOOT_IMAGE=/boot/vmlinuz-6.1.0-13-amd64 root=/dev/vda1 crashkernel=256M memmap=exactmap memmap=0x9fc00@0x0 memmap=0x3fee0000@0x100000",
            built.CommandLine);
    }

    [Fact]
    public void ForSoft_OnANormalKernel_IsTheEntryAsGrubWouldBootIt()
    {
        var built = KexecCommandLines.ForSoft(Entry("root=/dev/vda1 ro quiet crashkernel=256M"), NoVariables, []);

        Assert.Equal("BOOT_IMAGE=/boot/vmlinuz-6.1.0-13-amd64 root=/dev/vda1 ro quiet crashkernel=256M", built.CommandLine);
    }
}
