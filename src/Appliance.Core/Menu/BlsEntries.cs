namespace Appliance.Core.Menu;

/// <summary>
/// Turns BLS snippets into menu entries the way the <c>blscfg</c> command of Fedora's and RHEL's
/// GRUB does (grub-core/commands/blscfg.c in rhboot/grub2).
/// </summary>
internal static class BlsEntries
{
    private const string Suffix = ".conf";

    /// <summary>
    /// The entries, newest first. Files are taken in the order given (GRUB takes the directory
    /// order); each is inserted before the first entry it is newer than, by
    /// <see cref="RpmVersion.CompareFileNames"/>, and one that compares equal to an entry already
    /// there is dropped, as <c>bls_add_entry</c> does. Snippets without a <c>linux</c> key take part
    /// in that but make no entry; each adds a sentence to <paramref name="warnings"/>, since the
    /// operator who wrote it expects a boot entry.
    /// </summary>
    public static List<DraftNode> Build(IReadOnlyList<BlsFile> files, bool conditional, int line, List<string> warnings)
    {
        var sorted = new List<Snippet>();
        foreach (BlsFile file in files)
        {
            if (!IsSnippetName(file.Name))
            {
                continue;
            }

            var snippet = new Snippet(file.Name[..^Suffix.Length], file.Name, ReadKeys(file.Text));
            int at = 0;
            bool duplicate = false;
            for (; at < sorted.Count; at++)
            {
                int newer = RpmVersion.CompareFileNames(snippet.Id, sorted[at].Id);
                if (newer == 0)
                {
                    duplicate = true;
                    break;
                }

                if (newer > 0)
                {
                    break;
                }
            }

            if (!duplicate)
            {
                sorted.Insert(at, snippet);
            }
        }

        var entries = new List<DraftNode>();
        foreach (Snippet snippet in sorted)
        {
            string? linux = snippet.First("linux");
            if (linux is null)
            {
                warnings.Add($"BLS snippet {GrubConfigParser.DefaultBlsDirectory}/{snippet.FileName} has no 'linux' line, so GRUB shows no entry for it; add the kernel path ('linux /vmlinuz-VERSION') or remove the file");
                continue;
            }

            var initrd = new List<string>();
            foreach (string value in snippet.All("initrd"))
            {
                initrd.AddRange(SplitWords(value));
            }

            entries.Add(new DraftNode(
                Title: snippet.First("title") ?? linux,
                Id: snippet.Id,
                Conditional: conditional,
                Line: line,
                Classes: snippet.All("grub_class"),
                Kernel: linux,
                Initrd: initrd,
                Args: string.Join(' ', SplitWords(snippet.First("options") ?? string.Empty)),
                BlsFileName: snippet.FileName,
                Children: null));
        }

        return entries;
    }

    /// <summary><c>read_entry</c> skips dot files and anything not named <c>*.conf</c> with a non-empty stem.</summary>
    private static bool IsSnippetName(string name) =>
        !name.StartsWith('.') && name.Length > Suffix.Length && name.EndsWith(Suffix, StringComparison.Ordinal);

    /// <summary>
    /// <c>read_entry</c>'s line loop: leading blanks dropped, <c>#</c> lines skipped, the key ends at
    /// the first space (or, with no space, the first tab), the value starts after the blanks that
    /// follow. A line with no value (an empty line too) ends the file there.
    /// </summary>
    private static List<KeyValuePair<string, string>> ReadKeys(string text)
    {
        var keys = new List<KeyValuePair<string, string>>();
        string clean = text.Replace("\r", string.Empty, StringComparison.Ordinal);
        string[] lines = clean.Split('\n');
        int count = clean.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        for (int n = 0; n < count; n++)
        {
            // grub_file_getline returns a C string: a NUL ends the line.
            string line = lines[n].Split('\0')[0].TrimStart(' ', '\t');
            if (line.StartsWith('#'))
            {
                continue;
            }

            int separator = line.IndexOf(' ');
            if (separator < 0)
            {
                separator = line.IndexOf('\t');
            }

            if (separator < 0 || separator == line.Length - 1)
            {
                break;
            }

            keys.Add(new(line[..separator], line[(separator + 1)..].TrimStart(' ', '\t')));
        }

        return keys;
    }

    private static string[] SplitWords(string value) =>
        value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    private sealed record Snippet(string Id, string FileName, List<KeyValuePair<string, string>> Keys)
    {
        public string? First(string key) => Keys.Find(pair => pair.Key == key).Value;

        public List<string> All(string key)
        {
            var values = new List<string>();
            foreach (var pair in Keys)
            {
                if (pair.Key == key)
                {
                    values.Add(pair.Value);
                }
            }

            return values;
        }
    }
}
