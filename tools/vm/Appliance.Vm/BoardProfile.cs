using System.Text.Json;

namespace Appliance.Vm;

/// <summary>The parts of boards/&lt;name&gt;/board.json the harness acts on.</summary>
/// <param name="PartitionOffset">Where the ext4 partition holding /boot starts on the disk (the first ext4 partition listed).</param>
/// <param name="BootGuestDevice">That partition as the guest names it (/dev/vda1 on the BIOS board, /dev/vda2 behind the ESP on the UEFI board).</param>
/// <param name="Firmware">"seabios" or "ovmf-secboot".</param>
/// <param name="FirmwareBanner">A serial line the firmware prints once per power-on or reset (how boots are counted).</param>
/// <param name="Uefi">OVMF's code and variable-store template when the board boots through UEFI, else null.</param>
/// <param name="Esp">The EFI system partition (vfat) when the disk has one, else null.</param>
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
    string BootGuestDevice,
    string EnvFile,
    string Firmware,
    string FirmwareBanner,
    UefiFirmware? Uefi,
    EspPartition? Esp)
{
    public static BoardProfile Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        var qemu = root.GetProperty("qemu");
        var watchdog = root.GetProperty("watchdog");
        var partition = root.GetProperty("disk").GetProperty("partitions").EnumerateArray()
            .First(p => p.GetProperty("filesystem").GetString() == "ext4");
        var firmware = root.TryGetProperty("firmware", out var fw) ? fw.GetString()! : "seabios";
        var esp = root.GetProperty("disk").GetProperty("partitions").EnumerateArray()
            .Where(p => p.GetProperty("filesystem").GetString() == "vfat")
            .Select(p => new EspPartition(p.GetProperty("startBytes").GetInt64(), p.GetProperty("guestDevice").GetString()!))
            .FirstOrDefault();
        UefiFirmware? uefi = null;
        if (root.TryGetProperty("uefi", out var u))
        {
            uefi = new UefiFirmware(
                u.GetProperty("code").GetString()!,
                u.GetProperty("varsTemplate").GetString()!,
                u.GetProperty("package").GetString()!);
        }

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
            BootGuestDevice: partition.GetProperty("guestDevice").GetString()!,
            EnvFile: root.GetProperty("bootloader").GetProperty("envFile").GetString()!,
            Firmware: firmware,
            FirmwareBanner: root.TryGetProperty("firmwareBanner", out var banner) ? banner.GetString()! : SerialConsole.FirmwareBanner,
            Uefi: uefi,
            Esp: esp);
    }
}

/// <summary>The EFI system partition: where it starts on the disk and how the guest names it.</summary>
public sealed record EspPartition(long Offset, string GuestDevice);

/// <summary>OVMF as a board boots it: read-only code, and a template copied once per run as the board's NVRAM.</summary>
/// <param name="Package">The Debian package that installs both files.</param>
public sealed record UefiFirmware(string Code, string VarsTemplate, string Package);
