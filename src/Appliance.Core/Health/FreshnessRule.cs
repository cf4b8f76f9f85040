using System.Globalization;

namespace Appliance.Core.Health;

/// <param name="Path">An absolute path (resolved under the root) that a healthy service touches regularly.</param>
public sealed record FreshnessSettings(string Name, bool Enabled = true, bool Required = true, string Path = "", TimeSpan MaxAge = default)
    : BuiltinCheckSettings(Name, Enabled, Required)
{
    public override string Type => FreshnessRule.Type;
}

/// <summary>A heartbeat file: its modification time must be younger than MaxAge, like watchdogd's "file" test.</summary>
public static class FreshnessRule
{
    public const string Type = "freshness";

    /// <param name="modified">The file's mtime; null when it does not exist.</param>
    public static CheckOutcome Evaluate(DateTimeOffset? modified, DateTimeOffset now, FreshnessSettings settings)
    {
        if (modified is not { } mtime)
        {
            return CheckOutcome.Fail($"{settings.Path}: does not exist");
        }

        TimeSpan age = now - mtime;

        // An mtime ahead of the clock means the clock went back (an appliance without an RTC
        // before NTP); as in watchdogd, that is not staleness, and failing would reset a healthy machine.
        if (age < TimeSpan.Zero)
        {
            return CheckOutcome.Pass(string.Create(CultureInfo.InvariantCulture, $"{settings.Path}: modified {-age.TotalSeconds:0} s in the future (clock set back?)"));
        }

        string text = string.Create(CultureInfo.InvariantCulture, $"{settings.Path}: modified {age.TotalSeconds:0} s ago");
        return age > settings.MaxAge
            ? CheckOutcome.Fail(string.Create(CultureInfo.InvariantCulture, $"{text}: older than MaxAgeSec={settings.MaxAge.TotalSeconds}"))
            : CheckOutcome.Pass(text);
    }
}
