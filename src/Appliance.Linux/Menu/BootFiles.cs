using Appliance.Linux.Config;
using Appliance.Core.Kexec;

namespace Appliance.Linux.Menu;

/// <summary>Finds the file a GRUB kernel or initrd path names, on the running system's tree.</summary>
public static class BootFiles
{
    /// <summary>
    /// GRUB paths are relative to the partition GRUB reads, so with /boot on its own partition
    /// they lack "/boot": <c>&lt;root&gt;/&lt;path&gt;</c> is tried first, then
    /// <c>&lt;root&gt;/boot/&lt;path&gt;</c>. A leading device (<c>(hd0,msdos1)</c>, <c>($root)</c>)
    /// is dropped; other GRUB variables take their grubenv value.
    /// </summary>
    public static string Resolve(string root, string grubPath, Func<string, string?> variable, string entry)
    {
        string path = grubPath;
        if (path.StartsWith('(') && path.IndexOf(')') is var close and > 0)
        {
            path = path[(close + 1)..];
        }

        if (path.Contains('$'))
        {
            var notes = new List<string>();
            var words = KexecCommandLines.Expand(path, variable, notes);
            if (notes.Count > 0 || words.Count != 1)
            {
                throw new KexecPlanException($"menu entry '{entry}': the path '{grubPath}' uses a GRUB variable that grubenv does not hold, so the file cannot be found");
            }

            path = words[0];
        }

        string relative = path.TrimStart('/');
        if (relative.Length == 0 || relative.Split('/').Contains(".."))
        {
            throw new KexecPlanException($"menu entry '{entry}': '{grubPath}' is not a usable file path");
        }

        string direct = RootedPath.Resolve(root, relative);
        string underBoot = RootedPath.Resolve(root, "boot/" + relative);
        if (File.Exists(direct))
        {
            return direct;
        }

        if (File.Exists(underBoot))
        {
            return underBoot;
        }

        if ((DanglingLink(root, relative) ?? DanglingLink(root, "boot/" + relative)) is { } dangling)
        {
            throw new KexecPlanException($"menu entry '{entry}': {dangling}; reinstall the kernel package, or point the entry at a kernel that is there", KexecPlanError.Missing);
        }

        throw new KexecPlanException($"menu entry '{entry}': '{grubPath}' is neither {direct} nor {underBoot}; mount /boot (and check the entry with 'appliance entries --json')", KexecPlanError.Missing);
    }

    /// <summary>
    /// A symbolic link whose target is gone (a kernel package removed under a /boot/vmlinuz
    /// link) described as one: "missing" alone sends the operator looking for the link itself.
    /// </summary>
    private static string? DanglingLink(string root, string relative)
    {
        string path = Path.Combine(root, relative);
        return new FileInfo(path).LinkTarget is { } target
            ? $"{path} is a symbolic link to '{target}', which does not exist under {root}"
            : null;
    }
}
