using Appliance.Core.Boot;

namespace Appliance.Tests.Core.Boot;

public sealed class RunningEntryTests
{
    private static readonly BootableEntry Good = new("good", "/boot/vmlinuz-6.1", "root=/dev/vda1 ro console=ttyS0");
    private static readonly BootableEntry Trial = new("trial", "/boot/vmlinuz-6.1", "root=/dev/vda1 ro console=ttyS0 appliance.variant=trial");
    private static readonly BootableEntry Newer = new("newer", "/boot/vmlinuz-6.2", "root=/dev/vda1 ro console=ttyS0");

    [Fact]
    public void Match_SameKernelExtraArgument_PicksTheEntryStatingMore()
    {
        string? match = RunningEntry.Match([Good, Trial], "BOOT_IMAGE=/boot/vmlinuz-6.1 root=/dev/vda1 ro console=ttyS0 appliance.variant=trial");

        Assert.Equal("trial", match);
    }

    [Fact]
    public void Match_ArgumentMissing_ExcludesThatEntry()
    {
        Assert.Equal("good", RunningEntry.Match([Trial, Good], "BOOT_IMAGE=/boot/vmlinuz-6.1 root=/dev/vda1 ro console=ttyS0"));
    }

    [Fact]
    public void Match_BootImageDecidesBetweenKernels_IgnoringGrubDevicePrefix()
    {
        Assert.Equal("newer", RunningEntry.Match([Good, Newer], "BOOT_IMAGE=(hd0,msdos1)/boot/vmlinuz-6.2 root=/dev/vda1 ro console=ttyS0"));
    }

    [Fact]
    public void Match_UnexpandedVariables_AreNotRequired()
    {
        var ubuntu = new BootableEntry("ubuntu", "/boot/vmlinuz", "root=UUID=1 ro quiet splash $vt_handoff");

        Assert.Equal("ubuntu", RunningEntry.Match([ubuntu], "BOOT_IMAGE=/boot/vmlinuz root=UUID=1 ro quiet splash vt.handoff=7"));
    }

    [Fact]
    public void Match_NothingFits_ReturnsNull()
    {
        Assert.Null(RunningEntry.Match([Good, Trial], "BOOT_IMAGE=/boot/vmlinuz-7 root=/dev/sda1"));
    }

    [Fact]
    public void Match_IdenticalEntries_FirstInMenuOrderWins()
    {
        var twin = Good with { Path = "twin" };

        Assert.Equal("good", RunningEntry.Match([Good, twin], "BOOT_IMAGE=/boot/vmlinuz-6.1 root=/dev/vda1 ro console=ttyS0"));
    }

    [Fact]
    public void Match_IdenticalEntries_StagedTrialWinsOverMenuOrder()
    {
        var simple = Good with { Path = "gnulinux-simple" };
        var versioned = Good with { Path = "gnulinux-advanced>gnulinux-6.1-advanced" };

        string? match = RunningEntry.Match([simple, versioned], "BOOT_IMAGE=/boot/vmlinuz-6.1 root=/dev/vda1 ro console=ttyS0", versioned.Path, "other");

        Assert.Equal(versioned.Path, match);
    }

    [Fact]
    public void Match_IdenticalEntries_KnownGoodWinsWhenTheTrialIsNotAmongThem()
    {
        var simple = Good with { Path = "gnulinux-simple" };
        var versioned = Good with { Path = "gnulinux-advanced>gnulinux-6.1-advanced" };

        string? match = RunningEntry.Match([simple, versioned], "BOOT_IMAGE=/boot/vmlinuz-6.1 root=/dev/vda1 ro console=ttyS0", "trial-of-another-kernel", versioned.Path);

        Assert.Equal(versioned.Path, match);
    }

    [Fact]
    public void Match_ExpectedEntryThatDoesNotFit_DoesNotWin()
    {
        string? match = RunningEntry.Match([Good, Trial], "BOOT_IMAGE=/boot/vmlinuz-6.1 root=/dev/vda1 ro console=ttyS0", "trial");

        Assert.Equal("good", match);
    }

    [Fact]
    public void Match_EntryWithoutKernel_NeverMatches()
    {
        var menuOnly = new BootableEntry("firmware", null, "");

        Assert.Null(RunningEntry.Match([menuOnly], "BOOT_IMAGE=/boot/vmlinuz-6.1 root=/dev/vda1"));
    }
}
