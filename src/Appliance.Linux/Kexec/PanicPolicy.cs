using Appliance.Core.Collections;
using Appliance.Core.Kexec;
using Appliance.Linux.Files;
using Appliance.Linux.Kernel;

namespace Appliance.Linux.Kexec;

/// <summary>What applying or restoring the panic policy did: sysctl name to the value written, and what was skipped and why.</summary>
public sealed record PanicPolicyResult(IReadOnlyList<KeyValuePair<string, string>> Written, IReadOnlyList<string> Notes);

/// <summary>
/// The trial's panic policy (<see cref="PanicSettings"/>) applied through /proc/sys under a
/// root, with the values it replaced saved in sysctl-saved.json so <see cref="Restore"/> puts
/// them back after the trial is committed.
/// </summary>
public static class PanicPolicy
{
    /// <summary>
    /// Saves the current values (once per boot: applying twice must not save the policy's own
    /// values as "previous"), then writes the policy. A sysctl the kernel lacks (hung_task_panic
    /// needs CONFIG_DETECT_HUNG_TASK) is skipped and noted.
    /// </summary>
    public static PanicPolicyResult Apply(string root, PanicSettings? settings = null, IFileSteps? steps = null, TimeProvider? time = null)
    {
        settings ??= PanicSettings.Default;
        var files = new KexecFiles(root, steps ?? LinuxFileSteps.Instance);
        string bootId = new KernelInfo(root).BootId();
        var notes = new List<string>();
        var present = settings.Sysctls().Filter(s =>
        {
            bool exists = File.Exists(PathOf(root, s.Key));
            if (!exists)
            {
                notes.Add($"{s.Key}: not offered by this kernel ({PathOf(root, s.Key)} is missing), left alone");
            }

            return exists;
        });

        SavedSysctls? saved = files.ReadSavedSysctls();
        if (saved is null || saved.BootId != bootId)
        {
            var previous = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, _) in present)
            {
                previous[name] = ReadValue(root, name);
            }

            files.WriteSavedSysctls(new SavedSysctls { BootId = bootId, Time = (time ?? TimeProvider.System).GetUtcNow(), Values = previous });
        }
        else
        {
            notes.Add($"already applied on this boot; the values saved at {saved.Time:yyyy-MM-dd HH:mm:ss}Z are kept");
        }

        foreach (var (name, value) in present)
        {
            WriteValue(root, name, value);
        }

        return new PanicPolicyResult(present, notes);
    }

    /// <summary>
    /// Puts back the values <see cref="Apply"/> saved on this boot and removes the record. A
    /// record from an earlier boot is removed without writing: the reboot already reset the
    /// sysctls, and writing old values could undo a change made since.
    /// </summary>
    public static PanicPolicyResult Restore(string root, IFileSteps? steps = null)
    {
        var files = new KexecFiles(root, steps ?? LinuxFileSteps.Instance);
        SavedSysctls? saved = files.ReadSavedSysctls();
        if (saved is null)
        {
            return new PanicPolicyResult([], ["the panic policy is not applied; nothing to restore"]);
        }

        string bootId = new KernelInfo(root).BootId();
        if (saved.BootId != bootId)
        {
            files.DeleteSavedSysctls();
            return new PanicPolicyResult([], [$"the saved values are from an earlier boot ({saved.BootId}); the reboot reset the sysctls, so only the record was removed"]);
        }

        var written = new List<KeyValuePair<string, string>>();
        var notes = new List<string>();
        foreach (var (name, value) in saved.Values.SortedBy(v => v.Key, StringComparer.Ordinal))
        {
            if (!File.Exists(PathOf(root, name)))
            {
                notes.Add($"{name}: {PathOf(root, name)} is missing, not restored");
                continue;
            }

            WriteValue(root, name, value);
            written.Add(new(name, value));
        }

        files.DeleteSavedSysctls();
        return new PanicPolicyResult(written, notes);
    }

    private static string PathOf(string root, string sysctl) => Path.Combine(root, PanicSettings.ProcPath(sysctl));

    private static string ReadValue(string root, string name)
    {
        string path = PathOf(root, name);
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (FileProblems.Translates(e))
        {
            throw FileProblems.From(e, path);
        }
    }

    private static void WriteValue(string root, string name, string value)
    {
        string path = PathOf(root, name);
        try
        {
            // As the shell's "echo 1 > /proc/sys/kernel/panic": O_TRUNC (a no-op on procfs,
            // fs/proc/proc_sysctl.c proc_sys_setattr) and the whole value in one write at offset 0,
            // which the kernel parses there and then.
            using var file = File.OpenHandle(path, FileMode.Truncate, FileAccess.Write);
            RandomAccess.Write(file, System.Text.Encoding.ASCII.GetBytes(value + "\n"), 0);
        }
        catch (Exception e) when (FileProblems.Translates(e))
        {
            throw FileProblems.From(e, path, what: $"cannot set {name} to {value}");
        }
    }
}
