using Appliance.Core.Health;

namespace Appliance.Core.Watchdog;

/// <summary>
/// The latest result one check published, or none yet. <see cref="Since"/> is when the daemon
/// started waiting for it (start-up or reload); <see cref="At"/> when the result was published;
/// <see cref="RunStarted"/> when the run that produced it began, which is what says whether
/// the result can reflect an event (a repair).
/// </summary>
public sealed record PublishedCheck(string Name, DateTimeOffset Since, CheckRecord? Latest, DateTimeOffset? At, DateTimeOffset? RunStarted = null);

/// <summary>What the pet loop gates on: every check's latest result, judged at one moment.</summary>
public sealed record HealthVerdict(bool Healthy, IReadOnlyList<string> Failures, DateTimeOffset Oldest)
{
    /// <summary>
    /// Combines the checks' latest results. A check that has not published for
    /// <paramref name="staleAfter"/> counts as failed: a hung check must not keep an old pass
    /// alive for ever. A check not yet run within that time is pending, not failed.
    /// <see cref="Oldest"/> is when the oldest result's run began, so the gate can wait for
    /// results that started after an event (a repair).
    /// </summary>
    public static HealthVerdict Combine(IEnumerable<PublishedCheck> checks, DateTimeOffset now, TimeSpan staleAfter)
    {
        var failures = new List<string>();
        DateTimeOffset oldest = now;
        foreach (var check in checks)
        {
            DateTimeOffset last = check.At ?? check.Since;
            DateTimeOffset basis = check.RunStarted ?? last;
            if (basis < oldest)
            {
                oldest = basis;
            }

            if (now - last > staleAfter)
            {
                failures.Add(check.At is null
                    ? $"{check.Name}: no result in {Seconds(now - last)} (hung?)"
                    : $"{check.Name}: no new result in {Seconds(now - last)} (hung?)");
            }
            else if (check.Latest is { Failed: true } failed)
            {
                failures.Add($"{check.Name}: {HealthEvaluator.Summary(failed.Result, failed.Output, 200)}");
            }
        }

        return new HealthVerdict(failures.Count == 0, failures, oldest);
    }

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds:0.#} s";
}
