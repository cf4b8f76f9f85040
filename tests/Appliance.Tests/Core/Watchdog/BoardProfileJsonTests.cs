using System.Text.Json;
using System.Text.RegularExpressions;
using Appliance.Core.Json;
using Appliance.Core.Watchdog;
using Appliance.Tests.Support;

namespace Appliance.Tests.Core.Watchdog;

/// <summary>
/// Issue 14: board profiles are documented with snake_case keys, and the camelCase keys earlier
/// releases documented still work, so an operator's own profile survives the upgrade.
/// </summary>
public sealed class BoardProfileJsonTests
{
    private const string SnakeCase = """
        {"name":"mine","match":{"dmi_product_name":["Box"],"dmi_sys_vendor":["ACME"],"any_dmi":true},
         "watchdogs":[{"identity":"iTCO_wdt","timeout_seconds":30,"max_timeout_seconds":613}],
         "gpio_watchdog":{"chip":"/dev/gpiochip0","line":17,"mode":"pulse","pulse_ms":2,"timeout_ms":800,"active_low":true,"chip_model":"TPS3823-33"},
         "status_led":"led:act"}
        """;

    private const string CamelCase = """
        {"name":"mine","match":{"dmiProductName":["Box"],"dmiSysVendor":["ACME"],"anyDmi":true},
         "watchdogs":[{"identity":"iTCO_wdt","timeoutSeconds":30,"maxTimeoutSeconds":613}],
         "gpioWatchdog":{"chip":"/dev/gpiochip0","line":17,"mode":"pulse","pulseMs":2,"timeoutMs":800,"activeLow":true,"chipModel":"TPS3823-33"},
         "statusLed":"led:act"}
        """;

    private static BoardProfile Parse(string json) => JsonSerializer.Deserialize(json, ApplianceJsonContext.Default.BoardProfile)!;

    [Theory]
    [InlineData(SnakeCase)]
    [InlineData(CamelCase)]
    public void Parse_SnakeOrLegacyCamelCase_EveryFieldRead(string json)
    {
        var profile = Parse(json);

        Assert.Equal(["Box"], profile.Match.DmiProductName);
        Assert.Equal(["ACME"], profile.Match.DmiSysVendor);
        Assert.True(profile.Match.AnyDmi);
        var watchdog = Assert.Single(profile.Watchdogs);
        Assert.Equal((30, 613), (watchdog.TimeoutSeconds, watchdog.MaxTimeoutSeconds));
        var gpio = profile.GpioWatchdog!;
        Assert.Equal((2, 800, true, "TPS3823-33"), (gpio.PulseMs, gpio.TimeoutMs, gpio.ActiveLow, gpio.ChipModel));
        Assert.Equal("led:act", profile.StatusLed);
    }

    [Fact]
    public void Parse_GpioWatchdogWithOnlyChipAndLine_TakesTheDocumentedDefaults()
    {
        var gpio = Parse("""{"name":"mine","gpio_watchdog":{"chip":"/dev/gpiochip0","line":4}}""").GpioWatchdog!;

        Assert.Equal(("toggle", 1, 900, false), (gpio.Mode, gpio.PulseMs, gpio.TimeoutMs, gpio.ActiveLow));
    }

    [Fact]
    public void Serialize_LegacyProfile_WritesSnakeCaseOnly()
    {
        string json = JsonSerializer.Serialize(Parse(CamelCase), ApplianceJsonContext.Default.BoardProfile);

        Assert.DoesNotMatch("\"[a-z]+[A-Z][A-Za-z]*\":", json);
        Assert.Equal(Parse(SnakeCase).GpioWatchdog, Parse(json).GpioWatchdog);
    }

    [Fact]
    public void Shipped_EveryProfileKey_IsSnakeCase()
    {
        var keys = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "boards"), "watchdog.json", SearchOption.AllDirectories)
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), "\"([A-Za-z_]+)\"\\s*:").Select(m => $"{Path.GetFileName(Path.GetDirectoryName(f))}: {m.Groups[1].Value}"))
            .ToList();

        Assert.NotEmpty(keys);
        Assert.DoesNotContain(keys, k => !Regex.IsMatch(k, ": [a-z0-9]+(_[a-z0-9]+)*$"));
    }
}
