using System.Text.Json;
using Appliance.Core.Json;
using Appliance.Core.Watchdog;
using Appliance.Tests.Support;

namespace Appliance.Tests.Core.Watchdog;

public sealed class BoardDetectorTests
{
    /// <summary>The shipped profiles, so the tests also prove boards/*/watchdog.json parse.</summary>
    private static IReadOnlyList<BoardProfile> Shipped() =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "boards"), "watchdog.json", SearchOption.AllDirectories)
            .Select(f => JsonSerializer.Deserialize(File.ReadAllBytes(f), ApplianceJsonContext.Default.BoardProfile)!)
            .ToList();

    [Fact]
    public void Shipped_AllFiveProfiles_Parse()
    {
        Assert.Equal(["beaglebone-black", "generic-x86", "gpio-external", "qemu-x86_64", "raspberrypi4"], Shipped().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Detect_QemuDmi_PicksQemuOverGenericX86()
    {
        var board = BoardDetector.Detect(Shipped(), new MachineIdentity("Standard PC (i440FX + PIIX, 1996)", "QEMU", []));

        Assert.Equal("qemu-x86_64", board?.Name);
        Assert.Equal("i6300ESB timer", board!.Watchdogs.Single().Identity);
    }

    [Fact]
    public void Detect_OtherPc_FallsBackToGenericX86()
    {
        Assert.Equal("generic-x86", BoardDetector.Detect(Shipped(), new MachineIdentity("ThinkCentre M720q", "LENOVO", []))?.Name);
    }

    [Fact]
    public void Detect_RaspberryPiCompatible_PicksPi4WithLed()
    {
        var compatible = MachineIdentity.ParseCompatible("raspberrypi,4-model-b\0brcm,bcm2711\0"u8);
        var board = BoardDetector.Detect(Shipped(), new MachineIdentity(null, null, compatible));

        Assert.Equal("raspberrypi4", board?.Name);
        Assert.Equal("led:ACT", board!.StatusLed);
    }

    [Fact]
    public void Detect_BeagleBoneCompatible_PicksOmap()
    {
        var board = BoardDetector.Detect(Shipped(), new MachineIdentity(null, null, ["ti,am335x-bone-black", "ti,am335x-bone", "ti,am33xx"]));

        Assert.Equal("OMAP Watchdog", board?.Watchdogs.Single().Identity);
    }

    [Fact]
    public void Detect_UnknownArmBoard_MatchesNothing()
    {
        Assert.Null(BoardDetector.Detect(Shipped(), new MachineIdentity(null, null, ["vendor,unknown"])));
    }

    [Fact]
    public void GpioExternal_ToSettings_IsAToggledTps3823()
    {
        var gpio = Shipped().Single(p => p.Name == "gpio-external").GpioWatchdog!.ToSettings();

        Assert.Equal(GpioPetMode.Toggle, gpio.Mode);
        Assert.True(gpio.Timeout < TimeSpan.FromSeconds(1.6));
    }
}
