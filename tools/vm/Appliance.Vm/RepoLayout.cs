namespace Appliance.Vm;

/// <summary>
/// Where the harness finds its inputs: the repository (located by walking up
/// to Appliance.sln), the pristine image, the AOT binary and the board profile.
/// APPLIANCE_VM_IMAGE and APPLIANCE_BIN override the image and binary paths;
/// APPLIANCE_VM_UEFI_IMAGE the UEFI board's image (built by `build-image.sh --uefi`
/// into artifacts/vm/qemu-x86_64-uefi/). Runs of every board go to the runs
/// directory beside the BIOS board's image.
/// </summary>
public sealed record RepoLayout(string Root, string PristineImage, string ApplianceBinary, string BoardJson, string RunsDir)
{
    /// <summary>The UEFI + Secure Boot variant of the busybox board (boards/qemu-x86_64-uefi).</summary>
    public const string UefiBoard = "qemu-x86_64-uefi";

    public static RepoLayout Discover(string board = "qemu-x86_64")
    {
        var root = FindRoot(AppContext.BaseDirectory) ?? FindRoot(Directory.GetCurrentDirectory())
            ?? throw new BoardException("cannot find the repository root (a directory holding Appliance.sln) above "
                + AppContext.BaseDirectory);
        var biosImage = Environment.GetEnvironmentVariable("APPLIANCE_VM_IMAGE")
            ?? Path.Combine(root, "artifacts", "vm", "disk.img");
        var image = board == UefiBoard
            ? Environment.GetEnvironmentVariable("APPLIANCE_VM_UEFI_IMAGE") ?? Path.Combine(root, "artifacts", "vm", UefiBoard, "disk.img")
            : biosImage;
        var binary = Environment.GetEnvironmentVariable("APPLIANCE_BIN")
            ?? Path.Combine(root, "artifacts", "bin", "appliance");
        return new RepoLayout(
            root,
            image,
            binary,
            Path.Combine(root, "boards", board, "board.json"),
            Path.Combine(Path.GetDirectoryName(biosImage)!, "runs"));
    }

    private static string? FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Appliance.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
