using System.Device.Gpio;
using Appliance.Linux.Files;
using Appliance.Linux.Gpio;

namespace Appliance.Tests.Linux.Gpio;

/// <summary>
/// <see cref="GpioOutput"/> over a recording <see cref="GpioDriver"/> handed to its
/// <see cref="GpioController"/>: the line is seen to move only through the controller, so GPIO
/// code that went around System.Device.Gpio (its own ioctls, sysfs) fails these tests.
/// </summary>
public sealed class GpioOutputTests : GpioOutputContract
{
    private const uint Line = 3;

    /// <summary>The driver behind the output this test created (xunit makes one instance per test).</summary>
    private readonly RecordingDriver _driver = new();

    protected override IGpioOutput Create(bool initial, bool activeLow) =>
        GpioOutput.Open(_driver, "/dev/gpiochip1", Line, initial, activeLow);

    protected override bool Physical(IGpioOutput output) => _driver.Levels[(int)Line] == PinValue.High;

    [Fact]
    public void Open_RequestsTheLineAsOutputThroughTheController()
    {
        using var output = Create(false, false);

        Assert.Equal([$"open {Line}", $"mode {Line} Output Low"], _driver.Calls);
        Assert.Equal("/dev/gpiochip1 line 3", output.ToString());
    }

    [Fact]
    public void Set_EveryChange_IsOneControllerWrite()
    {
        using var output = Create(false, true);

        output.Set(true);
        output.Set(false);

        Assert.Equal([$"write {Line} Low", $"write {Line} High"], _driver.Calls.Skip(2));
    }

    [Fact]
    public void Dispose_ReleasesTheLineAndTheDriver()
    {
        var output = Create(false, false);

        output.Dispose();

        Assert.Contains($"close {Line}", _driver.Calls);
        Assert.True(_driver.Disposed);
    }

    [Fact]
    public void Open_LineTheDriverRefuses_IsBusyNamingTheChipAndKey()
    {
        var driver = new RecordingDriver { Refuse = true };

        var e = Assert.Throws<FileProblemException>(() => GpioOutput.Open(driver, "/dev/gpiochip1", Line, false, false));

        Assert.Equal(FileProblemKind.Busy, e.Kind);
        Assert.Contains("/dev/gpiochip1", e.Message);
        Assert.Contains("GpioLine=", e.Message);
        Assert.True(driver.Disposed);
    }

    [Fact]
    public void Request_MissingChip_SaysWhatToCheck()
    {
        var e = Assert.Throws<FileProblemException>(() => GpioOutput.Request("/nonexistent", "/dev/gpiochip9", 1, false, false));

        Assert.Equal(FileProblemKind.Missing, e.Kind);
        Assert.Contains("GpioChip=", e.Message);
    }

    [Fact]
    public void Request_NotAChipDevice_SaysTheForm()
    {
        var e = Assert.Throws<FileProblemException>(() => GpioOutput.Request("/", "/dev/watchdog0", 1, false, false));

        Assert.Contains("/dev/gpiochipN", e.Message);
    }

    /// <summary>A chip with 8 lines that records what the controller asks of it.</summary>
    private sealed class RecordingDriver : GpioDriver
    {
        public List<string> Calls { get; } = [];

        public Dictionary<int, PinValue> Levels { get; } = [];

        public bool Refuse { get; init; }

        public bool Disposed { get; private set; }

        protected override int PinCount => 8;

        protected override void OpenPin(int pinNumber)
        {
            if (Refuse)
            {
                throw new IOException("Device or resource busy");
            }

            Calls.Add($"open {pinNumber}");
        }

        protected override void ClosePin(int pinNumber) => Calls.Add($"close {pinNumber}");

        protected override void SetPinMode(int pinNumber, PinMode mode) => Calls.Add($"mode {pinNumber} {mode}");

        protected override void SetPinMode(int pinNumber, PinMode mode, PinValue initialValue)
        {
            Calls.Add($"mode {pinNumber} {mode} {initialValue}");
            Levels[pinNumber] = initialValue;
        }

        protected override PinMode GetPinMode(int pinNumber) => PinMode.Output;

        protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

        protected override PinValue Read(int pinNumber) => Levels.GetValueOrDefault(pinNumber, PinValue.Low);

        protected override void Toggle(int pinNumber) => Write(pinNumber, !(Read(pinNumber) == PinValue.High));

        protected override void Write(int pinNumber, PinValue value)
        {
            Calls.Add($"write {pinNumber} {value}");
            Levels[pinNumber] = value;
        }

        protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) =>
            throw new NotSupportedException();

        protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) =>
            throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
