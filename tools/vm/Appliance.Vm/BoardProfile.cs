using System.Text.Json;

namespace Appliance.Vm;

/// <summary>The parts of boards/&lt;name&gt;/board.json the harness acts on.</summary>
public sealed record BoardProfile(
    string Name,
    string QemuBinary,
    string Accel,
    string Machine,
    string Memory,
    IReadOnlyList<string> ExtraArgs,
    string WatchdogDevice,
    int ResetBootstatus,
    long PartitionOffset,
    string EnvFile)
{
    public static BoardProfile Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        var qemu = root.GetProperty("qemu");
        var watchdog = root.GetProperty("watchdog");
        var partition = root.GetProperty("disk").GetProperty("partitions")[0];
        return new BoardProfile(
            Name: root.GetProperty("name").GetString()!,
            QemuBinary: qemu.GetProperty("binary").GetString()!,
            Accel: qemu.GetProperty("accel").GetString()!,
            Machine: qemu.GetProperty("machine").GetString()!,
            Memory: qemu.GetProperty("memory").GetString()!,
            ExtraArgs: qemu.GetProperty("args").EnumerateArray().Select(a => a.GetString()!).ToList(),
            WatchdogDevice: watchdog.GetProperty("device").GetString()!,
            ResetBootstatus: watchdog.GetProperty("resetBootstatus").GetInt32(),
            PartitionOffset: partition.GetProperty("startBytes").GetInt64(),
            EnvFile: root.GetProperty("bootloader").GetProperty("envFile").GetString()!);
    }
}
