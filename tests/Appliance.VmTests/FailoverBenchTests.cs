using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>The bench's arithmetic on serial lines, without a VM.</summary>
public sealed class FailoverBenchTests
{
    private const string Banner = "SeaBIOS (version";

    [Fact]
    public void Measure_TwoFirmwarePasses_CountsThemAndTheirTimeToGrub()
    {
        SerialLine failure = new(TimeSpan.FromSeconds(10), 1, "Kernel panic - not syncing");
        SerialLine good = new(TimeSpan.FromSeconds(40), 3, "APPLIANCE-MARKER: userspace entry=good ");
        SerialLine[] lines =
        [
            new(TimeSpan.FromSeconds(1), 1, Banner + " 1.16)"),
            failure,
            new(TimeSpan.FromSeconds(12), 2, Banner + " 1.16)"),
            new(TimeSpan.FromSeconds(12.5), 2, Markers.GrubStart + "trial"),
            new(TimeSpan.FromSeconds(25), 3, Banner + " 1.16)"),
            new(TimeSpan.FromSeconds(26), 3, Markers.GrubStart + "good"),
            good,
        ];

        var m = FailoverBench.Measure(lines, Banner, failure, good);

        Assert.Equal(30, m.Seconds, 3);
        Assert.Equal(2, m.FirmwarePasses);
        Assert.Equal(1.5, m.FirmwareSeconds, 3);
        Assert.Equal(30 - 1.5 + 120, m.Modelled(60), 3);
    }

    [Fact]
    public void Measure_NoFirmwarePass_ModelIsTheMeasuredTime()
    {
        SerialLine failure = new(TimeSpan.FromSeconds(10), 1, "appliance: check 50-app: failed");
        SerialLine good = new(TimeSpan.FromSeconds(17), 1, "APPLIANCE-MARKER: userspace entry=good ");

        var m = FailoverBench.Measure([new(TimeSpan.FromSeconds(1), 1, Banner + " 1.16)"), failure, good], Banner, failure, good);

        Assert.Equal((7.0, 0, 0.0), (Math.Round(m.Seconds, 3), m.FirmwarePasses, m.FirmwareSeconds));
        Assert.Equal(m.Seconds, m.Modelled(180), 3);
    }

    [Fact]
    public void IsRescue_UserspaceRightAfterTheRescueMarker_TrueAndKnownGoodAfterIt_False()
    {
        SerialLine rescue = new(TimeSpan.FromSeconds(20), 1, Markers.Userspace("good") + "scenario=validate");
        SerialLine good = new(TimeSpan.FromSeconds(30), 1, Markers.Userspace("good") + "scenario=validate");
        SerialLine[] lines =
        [
            new(TimeSpan.FromSeconds(5), 1, Markers.Userspace("trial-panic") + "scenario=panic"),
            new(TimeSpan.FromSeconds(10), 1, "Kernel panic - not syncing"),
            new(TimeSpan.FromSeconds(19), 1, Markers.RescueKernel + " vmcore=yes"),
            rescue,
            good,
        ];

        Assert.True(FailoverBench.IsRescue(lines, rescue));
        Assert.False(FailoverBench.IsRescue(lines, good));
    }
}
