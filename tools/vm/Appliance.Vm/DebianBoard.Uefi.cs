namespace Appliance.Vm;

/// <summary>The UEFI + Secure Boot variant's part of the Debian board's QEMU command line.</summary>
public sealed partial class DebianBoard
{
    /// <summary>
    /// The disk, and for a UEFI board OVMF before it: the code read-only in pflash unit 0, this
    /// run's own copy of the variable store in unit 1 (the profile's args make the flash
    /// SMM-only, as Secure Boot needs). The UEFI disk is bootindex=0, so OVMF boots its
    /// removable-media path first and never tries a network boot on the NIC.
    /// </summary>
    private string[] DiskArgs() => Profile.Uefi is { } uefi
        ?
        [
            "-drive", $"if=pflash,format=raw,unit=0,file={uefi.Code},readonly=on",
            "-drive", $"if=pflash,format=raw,unit=1,file={Path.Combine(_runDir, QemuBoard.UefiVarsFile)}",
            "-drive", $"file={OverlayPath},format=qcow2,if=none,id=disk0",
            "-device", "virtio-blk-pci,drive=disk0,bootindex=0",
        ]
        : ["-drive", $"file={OverlayPath},format=qcow2,if=virtio"];
}
