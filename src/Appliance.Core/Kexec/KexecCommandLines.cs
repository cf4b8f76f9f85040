using System.Text;
using Appliance.Core.Collections;
using Appliance.Core.Menu;

namespace Appliance.Core.Kexec;

/// <summary>A command line to load, with what was left out of the entry's arguments and why.</summary>
public sealed record BuiltCommandLine(string CommandLine, IReadOnlyList<string> Notes);

/// <summary>
/// Builds the command lines Appliance loads with kexec from a GRUB menu entry. GRUB passes
/// <c>BOOT_IMAGE=&lt;kernel&gt;</c> first (grub-core/loader/i386/linux.c) and RunningEntry
/// matches on it, so a kexec'd kernel gets it too and is recognised like a GRUB boot.
/// </summary>
public static class KexecCommandLines
{
    /// <summary>
    /// What a crash kernel needs on top of the entry's arguments (Documentation/admin-guide/kdump/kdump.rst,
    /// "Load the Dump-capture Kernel"): one CPU, as the others are stopped mid-flight and their
    /// state is gone; irqpoll, since interrupt routing is whatever the panicking kernel left;
    /// reset_devices, so drivers reset hardware that may still be doing DMA. panic=10: a rescue
    /// that itself panics reboots through the firmware (and GRUB's tries) instead of hanging.
    /// </summary>
    public static IReadOnlyList<string> CrashAdditions { get; } = ["nr_cpus=1", "irqpoll", "reset_devices", "panic=10"];

    /// <summary>
    /// Entry arguments a crash kernel must not inherit: another reservation (crashkernel), a
    /// memory map (memmap; kexec passes the reservation as the map), huge page pools that do not
    /// fit in the reservation, and anything <see cref="CrashAdditions"/> sets. BOOT_IMAGE and
    /// Appliance's own words are written afresh.
    /// </summary>
    private static readonly HashSet<string> CrashRemovals = new(StringComparer.Ordinal)
    {
        "crashkernel", "memmap", "mem", "hugepages", "hugepagesz", "default_hugepagesz", "hugetlb_cma", "cma",
        "nr_cpus", "maxcpus", "irqpoll", "reset_devices", "panic",
        "BOOT_IMAGE", KernelInfoWords.Rescue, MemoryMap.RescueParameter,
    };

    /// <summary>Entry arguments a soft kexec writes afresh.</summary>
    private static readonly HashSet<string> SoftRemovals = new(StringComparer.Ordinal)
    {
        "BOOT_IMAGE", KernelInfoWords.Rescue, MemoryMap.RescueParameter,
    };

    /// <summary>
    /// The crash (rescue) kernel's command line for <paramref name="entry"/>: BOOT_IMAGE, the
    /// entry's arguments (GRUB variables taken from grubenv through <paramref name="variable"/>)
    /// without <see cref="CrashRemovals"/>, the running kernel's console= words when the entry
    /// has none (the rescue's console is where an operator looks), <see cref="CrashAdditions"/>,
    /// the rescue token, and the firmware memory map for the rescue's own soft kexec.
    /// </summary>
    public static BuiltCommandLine ForCrash(MenuEntry entry, Func<string, string?> variable, string runningCommandLine, IReadOnlyList<string> memmapValues)
    {
        var notes = new List<string>();
        var words = Expand(entry.Args, variable, notes).Filter(w => !CrashRemovals.Contains(KernelCommandLine.NameOf(w)));
        if (!words.Exists(w => KernelCommandLine.NameOf(w) == "console"))
        {
            words.AddRange(KernelCommandLine.Split(runningCommandLine).Filter(w => KernelCommandLine.NameOf(w) == "console"));
        }

        var all = new List<string> { "BOOT_IMAGE=" + RequireKernel(entry) };
        all.AddRange(words);
        all.AddRange(CrashAdditions);
        all.Add(KernelInfoWords.RescueToken);
        if (MemoryMap.RescueWord(memmapValues) is { } memmap)
        {
            all.Add(memmap);
        }

        return Finish(all, notes);
    }

    /// <summary>
    /// The command line for a soft reboot into <paramref name="entry"/>: BOOT_IMAGE and the
    /// entry's arguments; from a crash kernel, <paramref name="exactMemmap"/> as
    /// <c>memmap=exactmap</c> words so the entry sees all memory, not just the reservation.
    /// </summary>
    public static BuiltCommandLine ForSoft(MenuEntry entry, Func<string, string?> variable, IReadOnlyList<string> exactMemmap)
    {
        var notes = new List<string>();
        var all = new List<string> { "BOOT_IMAGE=" + RequireKernel(entry) };
        all.AddRange(Expand(entry.Args, variable, notes).Filter(w => !SoftRemovals.Contains(KernelCommandLine.NameOf(w))));
        if (exactMemmap.Count > 0)
        {
            all.RemoveAll(w => KernelCommandLine.NameOf(w) is "memmap" or "mem");
            all.AddRange(MemoryMap.ExactMapWords(exactMemmap));
        }

        return Finish(all, notes);
    }

    /// <summary>
    /// The entry's arguments with GRUB variables expanded: <c>$name</c> and <c>${name}</c> take
    /// their grubenv value (RHEL 8 keeps <c>$kernelopts</c> there) and the result is split again,
    /// as GRUB splits an unquoted expansion. A word using a variable grubenv does not hold (like
    /// Ubuntu's <c>$vt_handoff</c>, set by grub.cfg's own script) is left out and noted, since
    /// what GRUB would put there cannot be known without running the script.
    /// </summary>
    public static IReadOnlyList<string> Expand(string args, Func<string, string?> variable, List<string> notes)
    {
        var result = new List<string>();
        foreach (string word in KernelCommandLine.Split(args))
        {
            if (!word.Contains('$'))
            {
                result.Add(word);
                continue;
            }

            if (TryExpand(word, variable, out string expanded, out string? missing))
            {
                result.AddRange(KernelCommandLine.Split(expanded));
            }
            else
            {
                notes.Add($"left out '{word}': GRUB variable ${missing} is not in grubenv, so its value at boot is unknown");
            }
        }

        return result;
    }

    private static bool TryExpand(string word, Func<string, string?> variable, out string expanded, out string? missing)
    {
        var output = new StringBuilder();
        missing = null;
        int k = 0;
        while (k < word.Length)
        {
            if (word[k] != '$')
            {
                output.Append(word[k++]);
                continue;
            }

            string name;
            if (k + 1 < word.Length && word[k + 1] == '{')
            {
                int close = word.IndexOf('}', k + 2);
                if (close < 0)
                {
                    missing = word[(k + 1)..];
                    expanded = "";
                    return false;
                }

                name = word[(k + 2)..close];
                k = close + 1;
            }
            else
            {
                int end = k + 1;
                while (end < word.Length && (char.IsAsciiLetterOrDigit(word[end]) || word[end] == '_'))
                {
                    end++;
                }

                name = word[(k + 1)..end];
                k = end;
            }

            if (name.Length == 0 || variable(name) is not { } value)
            {
                missing = name.Length == 0 ? "(empty name)" : name;
                expanded = "";
                return false;
            }

            output.Append(value);
        }

        expanded = output.ToString();
        return true;
    }

    private static string RequireKernel(MenuEntry entry) =>
        entry.Kernel ?? throw new KexecPlanException($"menu entry '{entry.Path}' has no linux line, so there is no kernel to load");

    private static BuiltCommandLine Finish(List<string> words, List<string> notes)
    {
        string line = KernelCommandLine.Join(words);
        if (KernelCommandLine.Problem(line) is { } problem)
        {
            throw new KexecPlanException($"the kexec command line cannot be used: {problem}: {Shorten(line)}");
        }

        return new BuiltCommandLine(line, notes);
    }

    private static string Shorten(string line)
    {
        string printable = line.Replace("\0", "\\0").Replace("\n", "\\n").Replace("\r", "\\r");
        return printable.Length > 200 ? printable[..200] + "..." : printable;
    }
}

/// <summary>The command-line words Appliance writes, and Appliance.Linux.Kernel.KernelInfo looks for.</summary>
public static class KernelInfoWords
{
    /// <summary>Parameter name of <see cref="RescueToken"/>.</summary>
    public const string Rescue = "appliance.rescue";

    /// <summary>Marks a kernel Appliance loaded as the crash kernel.</summary>
    public const string RescueToken = Rescue + "=1";
}

/// <summary>Why a kexec request cannot be carried out as asked.</summary>
public enum KexecPlanError
{
    /// <summary>The entry, its paths or its command line cannot be used (exit 65).</summary>
    Unusable,

    /// <summary>A file the plan needs is absent (exit 66).</summary>
    Missing,

    /// <summary>The request names a tree that is not the running system (exit 64).</summary>
    NotRunningSystem,
}

/// <summary>A kexec request that cannot be carried out as asked: the entry, its files, its command line or the root.</summary>
public sealed class KexecPlanException(string message, KexecPlanError error = KexecPlanError.Unusable) : Exception(message)
{
    public KexecPlanError Error { get; } = error;
}
