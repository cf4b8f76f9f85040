namespace Appliance.Core.Boot;

/// <summary>How the running boot came about, as far as grubenv and the kernel can tell.</summary>
public enum BootKind
{
    /// <summary>No trial involved: the known-good (or only) kernel.</summary>
    Normal,
    /// <summary>GRUB booted the trial entry and it reached userspace.</summary>
    Trial,
    /// <summary>GRUB chose the trial but another entry is running: the trial failed to load and GRUB fell back.</summary>
    FellBack,
    /// <summary>The trial used all its tries without being committed; GRUB booted known-good.</summary>
    RolledBack,
    /// <summary>The agent rejected the trial on its last boot and rebooted into known-good.</summary>
    AfterRejection,
    /// <summary>
    /// The trial rejected on the last boot is running again: the rejection never reached the
    /// blocks GRUB reads (a power cut before the filesystem wrote them home).
    /// </summary>
    RejectedTrialRunning,
    /// <summary>A crash kernel loaded by kexec after the trial panicked.</summary>
    Rescue,
}
