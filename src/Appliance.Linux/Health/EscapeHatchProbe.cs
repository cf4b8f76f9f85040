using Appliance.Core.Boot;
using Appliance.Core.Collections;
using Appliance.Core.Health;
using Appliance.Core.Kexec;
using Appliance.Core.Menu;
using Appliance.Linux.Boot;
using Appliance.Linux.Files;
using Appliance.Linux.Kexec;
using Appliance.Linux.Menu;
using Appliance.Linux.Storage;
using Appliance.Linux.Watchdog;
using GrubMenu = Appliance.Core.Menu.Menu;

namespace Appliance.Linux.Health;

/// <summary>
/// Gathers the escape-hatch self-test's facts under the root: grubenv and grub.cfg (through
/// <see cref="TrialService"/>, so "this boot is the trial" means what it means to the validator),
/// the kexec files in sysfs, the known-good kernel's headers, the watchdog class, the mount table.
/// The judgement is <see cref="EscapeHatch"/>'s.
/// </summary>
public static class EscapeHatchProbe
{
    /// <summary>The SecureBoot variable of the EFI global-variable GUID (UEFI spec 3.3; efivarfs names it NAME-GUID).</summary>
    private const string SecureBootVariable = "sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c";

    public static IReadOnlyList<EscapeHatchFinding> Run(TrialService service) => EscapeHatch.Evaluate(Read(service));

    public static EscapeHatchFacts Read(TrialService service)
    {
        string root = service.Root;
        var sysfs = new KexecSysfs(root);
        var watchdogs = new WatchdogSysfs(root);
        TrialState? state = null;
        bool trial = false;
        string? envProblem = null;
        try
        {
            (state, BootKind kind, _) = service.Assess();
            trial = kind == BootKind.Trial;
        }
        catch (FileProblemException e)
        {
            envProblem = e.Message;
        }

        GrubMenu? menu = null;
        string? menuProblem = null;
        try
        {
            menu = service.Menu;
        }
        catch (Exception e) when (e is FileProblemException or GrubConfigException or IOException or UnauthorizedAccessException)
        {
            menuProblem = e.Message;
        }

        var (images, imagesProblem) = KnownGood(service, state, menu, envProblem ?? menuProblem);
        string grubDir = Path.GetDirectoryName(Path.GetRelativePath(root, service.Env.Path)) ?? "boot/grub";
        return new EscapeHatchFacts
        {
            TrialRunning = trial,
            ArmKexec = service.Config.Boot.ArmKexec,
            CrashLoaded = sysfs.CrashLoaded(),
            ReservedBytes = sysfs.CrashSize(),
            KnownGood = images,
            KnownGoodProblem = imagesProblem,
            Lockdown = sysfs.Lockdown(),
            SecureBoot = SecureBoot(root),
            Watchdogs = watchdogs.Names().Map(n => (n, watchdogs.Read(n, "state"))),
            GrubenvStorage = new MountProbe(root).Probe("/" + grubDir.Replace('\\', '/')),
            GrubContractVersion = menu?.ApplianceContract,
            GrubCfgProblem = menuProblem,
        };
    }

    /// <summary>The known-good entry's kernel and initrds, measured; or why they could not be.</summary>
    private static (KnownGoodImages?, string?) KnownGood(TrialService service, TrialState? state, GrubMenu? menu, string? problem)
    {
        if (state is null || menu is null)
        {
            return (null, problem);
        }

        if (state.Good is not { } good)
        {
            return (null, $"grubenv has no {TrialVariables.Good} yet ('appliance upgrade pin' records one)");
        }

        if (menu.Resolve(good) is not { Kernel: { } kernelPath } entry)
        {
            return (null, $"'{good}' is no kernel entry of {menu.ConfigPath}");
        }

        try
        {
            var env = service.Env.Read();
            string kernel = BootFiles.Resolve(service.Root, kernelPath, name => env.Get(name), entry.Path);
            long initrdBytes = 0;
            foreach (string initrd in entry.Initrd)
            {
                initrdBytes = checked(initrdBytes + new FileInfo(BootFiles.Resolve(service.Root, initrd, name => env.Get(name), entry.Path)).Length);
            }

            using var stream = File.OpenRead(kernel);
            var head = new byte[KernelSignature.HeaderBytes];
            int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            var bytes = head.AsSpan(0, read);
            var footprint = new KernelFootprintInput(stream.Length, CrashFootprint.InitSize(bytes), initrdBytes);
            return (new KnownGoodImages(entry.Path, kernel, footprint, KernelSignature.Read(bytes, stream.Length)), null);
        }
        catch (Exception e) when (e is KexecPlanException or FileProblemException or IOException or UnauthorizedAccessException)
        {
            return (null, e.Message);
        }
    }

    /// <summary>The SecureBoot variable's data byte after efivarfs' 4 attribute bytes (Documentation/filesystems/efivarfs.rst); null when absent.</summary>
    private static bool? SecureBoot(string root)
    {
        try
        {
            byte[] value = File.ReadAllBytes(Path.Combine(root, SecureBootVariable));
            return value.Length >= 5 ? value[4] == 1 : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
