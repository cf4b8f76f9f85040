using System.Text;
using System.Text.RegularExpressions;
using Appliance.Core.Collections;

namespace Appliance.Core.Kexec;

/// <summary>
/// Finding the crash in a kernel log that was recovered from memory or pstore: the last panic
/// line (or, failing that, the last oops or BUG line), with a window of the lines around it.
/// </summary>
public static partial class PanicLog
{
    /// <summary>
    /// The line panic() always prints first (kernel/panic.c: "Kernel panic - not syncing: %s").
    /// After an oops with panic_on_oops the reason is "Fatal exception"; the oops that caused it is above.
    /// </summary>
    public const string PanicMarker = "Kernel panic - not syncing";

    /// <summary>
    /// Lines that start an oops report without a panic (yet): the x86 and arm64 fault reports
    /// (arch/x86/mm/fault.c, arch/arm64/mm/fault.c), BUG()s (lib/bug.c), and the lockup and
    /// hung-task detectors (kernel/watchdog.c, kernel/hung_task.c). Searched only when there is no panic line.
    /// </summary>
    public static IReadOnlyList<string> OopsMarkers { get; } =
    [
        "BUG: ",
        "Oops: ",
        "kernel BUG at ",
        "general protection fault",
        "Unable to handle kernel ",
        "Internal error: Oops",
        "watchdog: BUG: soft lockup",
        "blocked for more than",
    ];

    /// <summary>
    /// Printable text out of raw memory: bytes that cannot be log text (controls other than tab
    /// and newline, and anything outside ASCII, since printk records are nearly always ASCII
    /// and binary is not) become line breaks; fragments under three characters, which are what
    /// stray binary (record ids, pointers) leaves behind, are dropped.
    /// </summary>
    public static string Sanitize(ReadOnlySpan<byte> bytes)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (byte b in bytes)
        {
            if (b is >= 0x20 and < 0x7f or (byte)'\t')
            {
                line.Append((char)b);
                continue;
            }

            Flush(lines, line);
        }

        Flush(lines, line);
        return string.Join('\n', lines);
    }

    private static void Flush(List<string> lines, StringBuilder line)
    {
        string text = line.ToString().Trim();
        line.Clear();
        if (text.Length >= 3)
        {
            lines.Add(text);
        }
    }

    /// <summary>Where the crash is reported in <paramref name="text"/>: the start of the last panic line, else of the last oops line; -1 when there is neither.</summary>
    public static int FindCrash(string text)
    {
        int panic = text.LastIndexOf(PanicMarker, StringComparison.Ordinal);
        if (panic >= 0)
        {
            return LineStart(text, panic);
        }

        int best = -1;
        foreach (string marker in OopsMarkers)
        {
            int at = text.LastIndexOf(marker, StringComparison.Ordinal);
            if (at > best)
            {
                best = at;
            }
        }

        return best < 0 ? -1 : LineStart(text, best);
    }

    /// <summary>
    /// At most <paramref name="limitChars"/> of <paramref name="text"/> around the crash, cut at
    /// line boundaries: three quarters before the crash line (an oops report and the messages
    /// that led to it come before "Kernel panic"), one quarter from it on (its stack dump).
    /// Without a crash line, the end of the text, where the newest messages are. Null when
    /// <paramref name="text"/> is empty.
    /// </summary>
    public static string? Window(string text, int limitChars)
    {
        if (text.Length == 0 || limitChars <= 0)
        {
            return null;
        }

        int crash = FindCrash(text);
        int start;
        int end;
        if (crash < 0)
        {
            end = text.Length;
            start = Math.Max(0, end - limitChars);
        }
        else
        {
            int before = limitChars * 3 / 4;
            start = Math.Max(0, crash - before);
            end = Math.Min(text.Length, start + limitChars);
            start = Math.Max(0, Math.Min(start, end - limitChars));
        }

        if (start > 0)
        {
            int next = text.IndexOf('\n', start);
            start = next < 0 || next >= end ? start : next + 1;
        }

        if (end < text.Length)
        {
            int last = text.LastIndexOf('\n', end - 1, end - start);
            end = last <= start ? end : last;
        }

        return text[start..end];
    }

    /// <summary>
    /// The short text for the journal record's forensics: a first line naming the crash
    /// (StatusReport shows it; the panic line, with the oops line that led to it when that is
    /// what the panic says), then up to <paramref name="contextLines"/> lines before and after
    /// it. Log prefixes like <c>&lt;0&gt;[ 12.345678] </c> are removed.
    /// </summary>
    public static string Excerpt(string window, string source, int contextLines = 12)
    {
        var lines = window.Split('\n').Map(StripPrefix).Filter(l => l.Length > 0);
        string joined = string.Join('\n', lines);
        int crash = FindCrash(joined);
        if (crash < 0)
        {
            int kept = Math.Clamp(contextLines, 0, lines.Count);
            var tail = lines.GetRange(lines.Count - kept, kept);
            return $"{source}: no panic or oops line found; last messages:\n" + string.Join('\n', tail);
        }

        int crashLine = joined.AsSpan(0, crash).Count('\n');
        string headline = lines[crashLine];
        if (headline.Contains(PanicMarker, StringComparison.Ordinal))
        {
            int cause = lines.FindLastIndex(crashLine - 1 < 0 ? 0 : crashLine - 1, crashLine, IsOopsLine);
            for (int k = cause - 1; cause > 0 && k >= Math.Max(0, cause - OopsReportLead); k--)
            {
                if (IsOopsLine(lines[k]))
                {
                    cause = k;
                }
            }

            if (cause >= 0)
            {
                headline += " after " + lines[cause];
            }
        }
        else if (IsOopsLine(headline))
        {
            // With a crash kernel loaded, oops_end() kexecs before panic("Fatal exception")
            // (arch/x86/kernel/dumpstack.c), so no panic line follows: name the report by the
            // line that opened it ("BUG: kernel NULL pointer dereference"), not by "Oops: 0000".
            int opening = crashLine;
            for (int k = crashLine - 1; k >= Math.Max(0, crashLine - OopsReportLead); k--)
            {
                if (IsOopsLine(lines[k]))
                {
                    opening = k;
                }
            }

            if (opening != crashLine)
            {
                headline = $"{lines[opening]} ({headline})";
            }
        }

        int from = Math.Max(0, crashLine - (contextLines / 2));
        var context = new List<string>();
        for (int k = from; k < lines.Count && k - from < contextLines + 1; k++)
        {
            context.Add(lines[k]);
        }

        return $"{source}: {headline}\n" + string.Join('\n', context);
    }

    /// <summary>
    /// How far above an "Oops:" line the line that opened the same report may be: x86 prints
    /// "BUG: kernel NULL pointer dereference", two "#PF:" lines and the page-table walk first
    /// (arch/x86/mm/fault.c show_fault_oops), then "Oops:" (arch/x86/kernel/dumpstack.c __die).
    /// </summary>
    private const int OopsReportLead = 8;

    private static bool IsOopsLine(string line) => OopsMarkers.Exists(m => line.Contains(m, StringComparison.Ordinal));

    /// <summary>Removes the syslog level and timestamp pstore and dmesg put before a message.</summary>
    public static string StripPrefix(string line) => LogPrefix().Replace(line, "").Trim();

    private static int LineStart(string text, int at) => at == 0 ? 0 : text.LastIndexOf('\n', at - 1) + 1;

    [GeneratedRegex(@"^(<\d+>)?(\[\s*\d+\.\d+\]\s?)?")]
    private static partial Regex LogPrefix();
}

/// <summary>
/// One pstore dmesg file's header: the dump reason, the oops count and the part, as
/// fs/pstore/platform.c pstore_dump writes them ("Panic#1 Part1"). A dump larger than the
/// backend's record is split; Part1 holds the newest text, higher parts older text.
/// </summary>
public sealed partial record PstoreHeader(string Reason, int Count, int Part)
{
    public static PstoreHeader? Parse(string firstLine)
    {
        var match = Pattern().Match(firstLine);
        return match.Success
            ? new PstoreHeader(match.Groups[1].Value, int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture))
            : null;
    }

    /// <summary>
    /// The files' texts in reading order: grouped by dump (reason and count), newest dump last,
    /// each dump's parts from the highest (oldest text) to Part1. Files without a header keep
    /// their given order, before the dumps.
    /// </summary>
    public static IReadOnlyList<T> InReadingOrder<T>(IEnumerable<T> files, Func<T, string> text)
    {
        var plain = new List<T>();
        var dumps = new List<(T File, PstoreHeader Header)>();
        foreach (T file in files)
        {
            if (Parse(FirstLine(text(file))) is { } header)
            {
                dumps.Add((file, header));
            }
            else
            {
                plain.Add(file);
            }
        }

        var sorted = dumps.Sorted((a, b) =>
        {
            int c = a.Header.Count.CompareTo(b.Header.Count);
            if (c == 0)
            {
                c = string.CompareOrdinal(a.Header.Reason, b.Header.Reason);
            }

            return c != 0 ? c : b.Header.Part.CompareTo(a.Header.Part);
        });
        return [.. plain, .. sorted.ConvertAll(d => d.File)];
    }

    private static string FirstLine(string text)
    {
        int newline = text.IndexOf('\n');
        return newline < 0 ? text : text[..newline];
    }

    [GeneratedRegex(@"^([A-Za-z]+)#(\d{1,9}) Part(\d{1,9})\s*$")]
    private static partial Regex Pattern();
}
