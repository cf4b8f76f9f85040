namespace Appliance.Vm;

/// <summary>
/// Checks the host has what a board run needs. A missing piece is a failure
/// naming the Debian package (or make target) that provides it, never a skip:
/// a VM test that silently does not run proves nothing.
/// </summary>
public static class HostPrerequisites
{
    private static readonly (string Tool, string Package)[] Tools =
    [
        ("qemu-system-x86_64", "qemu-system-x86"),
        ("debugfs", "e2fsprogs"),
        ("e2fsck", "e2fsprogs"),
        ("grub-editenv", "grub-common"),
        ("mkfs.vfat", "dosfstools"),
        ("mcopy", "mtools"),
    ];

    public static void Require(RepoLayout layout)
    {
        var problems = new List<string>();
        foreach (var (tool, package) in Tools)
        {
            if (ToolRunner.Which(tool) is null)
            {
                problems.Add($"'{tool}' not found: apt-get install {package}");
            }
        }

        var uefi = false;
        if (!File.Exists(layout.BoardJson))
        {
            problems.Add($"board profile {layout.BoardJson} is missing");
        }
        else if (BoardProfile.Load(layout.BoardJson).Uefi is { } firmware)
        {
            uefi = true;
            foreach (var file in new[] { firmware.Code, firmware.VarsTemplate })
            {
                if (!File.Exists(file))
                {
                    problems.Add($"{file} is missing: apt-get install {firmware.Package}");
                }
            }
        }

        if (!File.Exists(layout.ApplianceBinary))
        {
            problems.Add($"{layout.ApplianceBinary} is missing: run 'make publish'");
        }

        if (!File.Exists(layout.PristineImage))
        {
            problems.Add(uefi
                ? $"{layout.PristineImage} is missing: run 'make vm-image' (tools/vm/build-image.sh --uefi)"
                : $"{layout.PristineImage} is missing: run 'make vm-image' (tools/vm/build-image.sh)");
        }

        if (problems.Count > 0)
        {
            throw new BoardException("host is not ready for the VM board:" + Environment.NewLine
                + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));
        }
    }
}
