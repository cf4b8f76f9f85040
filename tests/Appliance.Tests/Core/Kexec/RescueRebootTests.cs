using Appliance.Core.Kexec;

namespace Appliance.Tests.Core.Kexec;

public sealed class RescueRebootTests
{
    [Fact]
    public void Choose_MapRecordedNoWatchdog_IsSoft()
    {
        Assert.Equal(RescueRebootKind.Soft, RescueReboot.Choose(true, ["0x9fc00@0x0"], false, null).Kind);
    }

    [Fact]
    public void Choose_MapNeededButMissing_IsFirmware()
    {
        var decision = RescueReboot.Choose(true, [], false, null);

        Assert.Equal(RescueRebootKind.Firmware, decision.Kind);
        Assert.Contains("only the crash reservation", decision.Reason);
    }

    [Fact]
    public void Choose_NoFirmwareMapPlatform_DoesNotNeedOne()
    {
        Assert.Equal(RescueRebootKind.Soft, RescueReboot.Choose(false, [], false, null).Kind);
    }

    [Theory]
    [InlineData(null, RescueRebootKind.Firmware)]
    [InlineData(10, RescueRebootKind.Firmware)]
    [InlineData(19, RescueRebootKind.Firmware)]
    [InlineData(20, RescueRebootKind.Soft)]
    [InlineData(60, RescueRebootKind.Soft)]
    public void Choose_HardwareWatchdog_SoftOnlyWhenItsTimeoutCoversTheSoftPath(int? seconds, RescueRebootKind kind)
    {
        TimeSpan? timeout = seconds is { } s ? TimeSpan.FromSeconds(s) : null;

        Assert.Equal(kind, RescueReboot.Choose(true, ["0x9fc00@0x0"], true, timeout).Kind);
    }

    [Fact]
    public void SoftNote_WithWatchdogs_NamesEntryAndWhatWasPetted()
    {
        Assert.Equal("left the rescue by soft kexec into 'good' with the whole machine's memory map, without a firmware pass (watchdog0 petted right before the jump)",
            RescueReboot.SoftNote("good", ["watchdog0 petted right before the jump"]));
    }

    [Fact]
    public void FirmwareNote_CarriesTheDecisionsReason()
    {
        var decision = RescueReboot.Choose(true, [], false, null);

        Assert.Equal($"left the rescue through the firmware: {decision.Reason}", RescueReboot.FirmwareNote(decision.Reason));
    }
}
