using Appliance.Linux.Gpio;

namespace Appliance.Tests.Linux.Gpio;

/// <summary>What every <see cref="IGpioOutput"/> does, the real one and the unit tests' fake alike.</summary>
public abstract class GpioOutputContract
{
    /// <summary>An output at <paramref name="initial"/>; <see cref="Physical"/> reads what is on the line.</summary>
    protected abstract IGpioOutput Create(bool initial, bool activeLow);

    /// <summary>The level on the wire: true = high.</summary>
    protected abstract bool Physical(IGpioOutput output);

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, true)]
    [InlineData(false, true, true)]
    [InlineData(true, true, false)]
    public void Create_InitialValue_IsLogicalAndDrivenAtOnce(bool initial, bool activeLow, bool high)
    {
        using var output = Create(initial, activeLow);

        Assert.Equal(initial, output.Value);
        Assert.Equal(high, Physical(output));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Set_Active_DrivesTheActiveLevel(bool activeLow)
    {
        using var output = Create(false, activeLow);

        output.Set(true);

        Assert.True(output.Value);
        Assert.Equal(!activeLow, Physical(output));
    }

    [Fact]
    public void Dispose_Twice_IsHarmless()
    {
        var output = Create(false, false);

        output.Dispose();
        output.Dispose();
    }
}

/// <summary>The fake GpioWatchdogTests use, held to the same contract.</summary>
public sealed class FakeGpioOutput(bool initial = false, bool activeLow = false) : IGpioOutput
{
    public List<(bool Value, long At)> Writes { get; } = [];

    public bool Value { get; private set; } = initial;

    public bool High => Value != activeLow;

    public void Set(bool value)
    {
        Value = value;
        Writes.Add((value, System.Diagnostics.Stopwatch.GetTimestamp()));
    }

    public void Dispose()
    {
    }
}

public sealed class FakeGpioOutputTests : GpioOutputContract
{
    protected override IGpioOutput Create(bool initial, bool activeLow) => new FakeGpioOutput(initial, activeLow);

    protected override bool Physical(IGpioOutput output) => ((FakeGpioOutput)output).High;
}
