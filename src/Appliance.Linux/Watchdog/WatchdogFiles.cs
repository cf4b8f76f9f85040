using System.Text.Json;
using Appliance.Core.Json;
using Appliance.Core.Watchdog;
using Appliance.Linux.Files;

namespace Appliance.Linux.Watchdog;

/// <summary>
/// The daemon's files, under a root: durable records in <c>var/lib/appliance/watchdog</c>
/// (reset cause, last deliberate stop; written atomically with <see cref="DurableFile"/>) and
/// the live state in <c>run/appliance/watchdog/state.json</c> (tmpfs: replaced by rename,
/// not fsynced; it is refreshed every few seconds and means nothing after a reboot).
/// </summary>
public sealed class WatchdogFiles(string root, IFileSteps steps)
{
    private const UnixFileMode RecordMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public string StateDirectory { get; } = StatePaths.Under(root, StatePaths.Watchdog);

    public string RuntimeDirectory { get; } = Path.Combine(root, "run/appliance/watchdog");

    public string ResetCausePath => Path.Combine(StateDirectory, "reset-cause.json");

    public string LastStopPath => Path.Combine(StateDirectory, "last-stop.json");

    public string StatePath => Path.Combine(RuntimeDirectory, "state.json");

    public void WriteResetCause(ResetCauseRecord record) =>
        WriteDurable(ResetCausePath, JsonSerializer.SerializeToUtf8Bytes(record, ApplianceJsonContext.Default.ResetCauseRecord));

    public void WriteLastStop(LastStopRecord record) =>
        WriteDurable(LastStopPath, JsonSerializer.SerializeToUtf8Bytes(record, ApplianceJsonContext.Default.LastStopRecord));

    public ResetCauseRecord? ReadResetCause() => Read(ResetCausePath, b => JsonSerializer.Deserialize(b, ApplianceJsonContext.Default.ResetCauseRecord));

    public LastStopRecord? ReadLastStop() => Read(LastStopPath, b => JsonSerializer.Deserialize(b, ApplianceJsonContext.Default.LastStopRecord));

    public WatchdogDaemonState? ReadState() => Read(StatePath, b => JsonSerializer.Deserialize(b, ApplianceJsonContext.Default.WatchdogDaemonState));

    public void WriteState(WatchdogDaemonState state)
    {
        Directory.CreateDirectory(RuntimeDirectory);
        string temporary = DurableFile.TemporaryPathFor(StatePath);
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(state, ApplianceJsonContext.Default.WatchdogDaemonState));
        File.Move(temporary, StatePath, overwrite: true);
    }

    private void WriteDurable(string path, byte[] json)
    {
        Directory.CreateDirectory(StateDirectory);
        new DurableFile(steps).Replace(path, [.. json, .. "\n"u8], RecordMode);
    }

    private static T? Read<T>(string path, Func<byte[], T?> parse)
        where T : class
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new FileProblemException(FileProblemKind.Corrupt, path, $"not a watchdog record ({e.Message}); delete it and the daemon writes a new one");
        }
    }
}
