using System.Text;
using Appliance.Linux.Config;
using Appliance.Core.Collections;
using Appliance.Core.Menu;
using Appliance.Linux.Files;
using Appliance.Linux.Grubenv;
using Appliance.Linux.Native;
using GrubMenu = Appliance.Core.Menu.Menu;

namespace Appliance.Linux.Menu;

/// <summary>
/// Reads GRUB's menu from a system tree: grub.cfg, plus the BLS snippets in
/// <c>boot/loader/entries</c> when the config runs <c>blscfg</c>. Every problem with a file comes
/// out as a <see cref="FileProblemException"/> naming it; a config GRUB cannot parse is
/// <see cref="FileProblemKind.Corrupt"/>, with the line.
/// </summary>
public static class MenuReader
{
    // Real configs are tens of kilobytes; the bound keeps a wrong --config (a disk image) from filling memory.
    private const long MaxConfigBytes = 16L * 1024 * 1024;

    // blscfg's read_entry (rhboot/grub2, RHEL 8 branches) skips snippets over 1 MiB.
    private const long MaxSnippetBytes = 1024 * 1024;

    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>
    /// Reads the menu under <paramref name="root"/>. <paramref name="configOverride"/>, when given,
    /// is the grub.cfg to read, taken as given rather than under the root; BLS snippets still come
    /// from <c>&lt;root&gt;/boot/loader/entries</c>. The returned menu's
    /// <see cref="GrubMenu.ConfigPath"/> is the file read.
    /// </summary>
    public static GrubMenu Read(string root, string? configOverride)
    {
        string path = configOverride ?? DefaultConfigPath(root);
        byte[] bytes = ReadBytes(path, MaxConfigBytes, missingHint: configOverride is null
            ? $"no such file, nor {RootedPath.Resolve(root, "/boot/grub2/grub.cfg")}; run grub-mkconfig or pass --config FILE"
            : "no such file");
        try
        {
            return GrubConfigParser.Parse(bytes, _ => ReadSnippets(root), path);
        }
        catch (GrubConfigException e)
        {
            // A NUL's message already says what GRUB would make of it; GRUB does parse what is left.
            string consequence = e.ByteOffset is null ? "; GRUB would not parse this, so its menu is not what the file lists" : string.Empty;
            throw new FileProblemException(FileProblemKind.Corrupt, path, e.Message + consequence, e);
        }
    }

    /// <summary>
    /// <c>boot/grub/grub.cfg</c> or <c>boot/grub2/grub.cfg</c> under <paramref name="root"/>: the one
    /// next to the grubenv <see cref="GrubEnvFile.DefaultPath"/> picks when it exists (both live in
    /// GRUB's <c>$prefix</c>), else whichever exists.
    /// </summary>
    public static string DefaultConfigPath(string root)
    {
        string[] choices =
        [
            RootedPath.Resolve(root, GrubEnvFile.GrubDirectory(root) + "/grub.cfg"),
            RootedPath.Resolve(root, "/boot/grub/grub.cfg"),
            RootedPath.Resolve(root, "/boot/grub2/grub.cfg"),
        ];
        return Array.Find(choices, File.Exists) ?? choices[1];
    }

    /// <summary>
    /// The snippets in <c>&lt;root&gt;/boot/loader/entries</c>, in ordinal name order (GRUB takes the
    /// directory order, which only matters for snippets whose names compare equal). blscfg looks in
    /// <c>/loader/entries</c> on the boot partition and then in <c>/boot/loader/entries</c>, which are
    /// both this directory whether or not /boot is a separate filesystem. A missing directory has none.
    /// </summary>
    private static IReadOnlyList<BlsFile> ReadSnippets(string root)
    {
        string directory = RootedPath.Resolve(root, "/boot/loader/entries");
        try
        {
            if (!Directory.Exists(directory))
            {
                return [];
            }

            var files = new List<BlsFile>();
            foreach (string file in Directory.EnumerateFiles(directory).SortedOrdinal())
            {
                if (FileStatus.Of(file) is { IsRegularFile: true, Size: <= MaxSnippetBytes })
                {
                    files.Add(new BlsFile(Path.GetFileName(file), ReadText(file, MaxSnippetBytes, "no such file")));
                }
            }

            return files;
        }
        catch (Exception e) when (FileProblems.Translates(e))
        {
            throw FileProblems.From(e, directory);
        }
    }

    private static string ReadText(string path, long maxBytes, string missingHint) =>
        Utf8.GetString(ReadBytes(path, maxBytes, missingHint));

    private static byte[] ReadBytes(string path, long maxBytes, string missingHint)
    {
        try
        {
            FileStatus status = FileStatus.Of(path)
                ?? throw new FileProblemException(FileProblemKind.Missing, path, missingHint);
            if (!status.IsRegularFile)
            {
                throw new FileProblemException(FileProblemKind.NotARegularFile, path, "is not a regular file");
            }

            if (status.Size > maxBytes)
            {
                throw new FileProblemException(FileProblemKind.Corrupt, path, $"is {status.Size} bytes, too large for a GRUB configuration (limit {maxBytes})");
            }

            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileProblemException(FileProblemKind.Missing, path, missingHint, e);
        }
        catch (Exception e) when (FileProblems.Translates(e))
        {
            throw FileProblems.From(e, path);
        }
    }
}
