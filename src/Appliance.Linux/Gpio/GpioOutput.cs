using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using Appliance.Core.Watchdog;
using Appliance.Linux.Files;
using Appliance.Linux.Native;

namespace Appliance.Linux.Gpio;

/// <summary>
/// One GPIO line held as an output through System.Device.Gpio: a <see cref="GpioController"/> on
/// <see cref="LibGpiodDriver"/>, which binds Debian's libgpiod2 (libgpiod 1.6, "libgpiod.so.2").
/// Values here are logical (true = active); active-low is applied here because the driver
/// requests outputs without libgpiod's ACTIVE_LOW flag. The line is released on dispose.
/// </summary>
public sealed class GpioOutput : IGpioOutput
{
    /// <summary>The Debian package that ships libgpiod.so.2.</summary>
    public const string LibraryPackage = "libgpiod2";

    private readonly GpioController _controller;
    private readonly int _line;
    private readonly bool _activeLow;
    private readonly string _name;
    private bool _disposed;

    private GpioOutput(GpioController controller, int line, bool activeLow, string name, bool initial)
    {
        _controller = controller;
        _line = line;
        _activeLow = activeLow;
        _name = name;
        Value = initial;
    }

    public bool Value { get; private set; }

    /// <summary>
    /// Requests <paramref name="line"/> of <paramref name="chip"/> (<c>/dev/gpiochipN</c>) as an
    /// output at <paramref name="initial"/>. libgpiod opens the chip itself, by number, on the
    /// running system; the chip's presence is checked under <paramref name="root"/> first.
    /// </summary>
    public static GpioOutput Request(string root, string chip, uint line, bool initial, bool activeLow)
    {
        string path = Path.Combine(root, chip.TrimStart('/'));
        int number = GpioChipPath.Number(chip)
            ?? throw new FileProblemException(FileProblemKind.Unsupported, chip, $"not a GPIO chip device; name it as {GpioChipPath.Form} (gpiodetect lists them)");
        if (!File.Exists(path))
        {
            throw new FileProblemException(FileProblemKind.Missing, path, "no such GPIO chip; check GpioChip= (see gpiodetect)");
        }

        GpioDriver driver;
        try
        {
            driver = new LibGpiodDriver(number);
        }
        catch (Exception e) when (IsLibraryMissing(e))
        {
            throw new MissingPackageException(LibraryPackage, $"{chip}: GPIO lines are driven through libgpiod.so.2, which is not installed", e);
        }
        catch (IOException e)
        {
            throw new FileProblemException(FileProblemKind.IoError, path, $"cannot open the GPIO chip: {e.Message}", e);
        }

        return Open(driver, path, line, initial, activeLow);
    }

    /// <summary>
    /// Takes <paramref name="line"/> of the chip <paramref name="driver"/> serves as an output
    /// through a <see cref="GpioController"/>, which owns the driver from here. Every line
    /// operation goes through that controller; the unit tests hand it a recording driver.
    /// </summary>
    internal static GpioOutput Open(GpioDriver driver, string chip, uint line, bool initial, bool activeLow)
    {
        var controller = new GpioController(driver);
        try
        {
            controller.OpenPin((int)line, PinMode.Output, Physical(initial, activeLow));
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException)
        {
            controller.Dispose();
            // libgpiod reports EBUSY for a line another consumer holds; the driver folds it into
            // its message, so the operator is pointed at gpioinfo either way.
            throw new FileProblemException(FileProblemKind.Busy, chip, $"cannot request line {line} as an output ({e.Message}); is it held by another consumer (see gpioinfo), or past the chip's last line? Fix GpioLine=", e);
        }

        return new GpioOutput(controller, (int)line, activeLow, $"{chip} line {line}", initial);
    }

    public void Set(bool value)
    {
        _controller.Write(_line, Physical(value, _activeLow));
        Value = value;
    }

    public override string ToString() => _name;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _controller.Dispose();
    }

    private static PinValue Physical(bool active, bool activeLow) => active != activeLow ? PinValue.High : PinValue.Low;

    /// <summary>
    /// LibGpiodDriver turns a missing library into PlatformNotSupportedException in its
    /// constructor, but its static initialiser asks libgpiod for its version first, which
    /// surfaces as TypeInitializationException around DllNotFoundException.
    /// </summary>
    private static bool IsLibraryMissing(Exception e) => e switch
    {
        DllNotFoundException or PlatformNotSupportedException => true,
        TypeInitializationException { InnerException: { } inner } => IsLibraryMissing(inner),
        _ => false,
    };
}
