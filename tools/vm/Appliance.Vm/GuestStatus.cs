using System.Text.Json;

namespace Appliance.Vm;

/// <summary>One record of the guest's boot journal, as `appliance status --json` lists it.</summary>
public sealed record GuestBoot(string Entry, string Path, string Result, string Message, string? Trial);

/// <summary>
/// `appliance status --json` as the guest printed it (init.sh's status marker):
/// the fields the scenarios assert on, plus the raw JSON for messages.
/// </summary>
public sealed record GuestStatus(
    string State,
    string? Trial,
    int? TriesLeft,
    string? KnownGood,
    string? RunningEntry,
    string? Failed,
    string? LastTrialResult,
    string? Rollback,
    IReadOnlyList<GuestBoot> Boots,
    string Json)
{
    public static GuestStatus Parse(string json, Func<string, Exception> fail)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            return new GuestStatus(
                State: r.GetProperty("state").GetString() ?? string.Empty,
                Trial: Text(r, "trial"),
                TriesLeft: r.GetProperty("tries_left").ValueKind == JsonValueKind.Number ? r.GetProperty("tries_left").GetInt32() : null,
                KnownGood: Text(r, "known_good"),
                RunningEntry: Text(r, "running_entry"),
                Failed: Text(r, "failed"),
                LastTrialResult: r.GetProperty("last_trial").ValueKind == JsonValueKind.Object ? Text(r.GetProperty("last_trial"), "result") : null,
                Rollback: Text(r, "rollback"),
                Boots: r.GetProperty("boots").EnumerateArray().Select(b => new GuestBoot(
                    Text(b, "entry") ?? "?",
                    Text(b, "path") ?? "?",
                    Text(b, "result") ?? "?",
                    Text(b, "message") ?? string.Empty,
                    Text(b, "trial"))).ToList(),
                Json: json);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw fail($"the guest's `appliance status --json` is not what the harness expects ({e.Message}): {json}");
        }
    }

    /// <summary>The last journal record (this boot's, when the validator ran).</summary>
    public GuestBoot? ThisBoot => Boots.Count == 0 ? null : Boots[^1];

    public override string ToString() =>
        $"state={State} trial={Trial} tries_left={TriesLeft} known_good={KnownGood} running={RunningEntry} failed={Failed} last_trial={LastTrialResult} rollback=\"{Rollback}\"";

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
