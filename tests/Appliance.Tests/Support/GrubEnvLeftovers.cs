using Appliance.Core.Grubenv;
using Appliance.Linux.Files;

namespace Appliance.Tests.Support;

/// <summary>What a grubenv directory may hold after writes: the file, and the previous generation a write keeps for GRUB (DurableFile, readByBootloader).</summary>
public static class GrubEnvLeftovers
{
    public static void AssertOnlyGrubEnvAndItsPreviousGeneration(string directory)
    {
        string grubenv = Path.Combine(directory, "grubenv");
        string previous = DurableFile.PreviousPathFor(grubenv);
        var names = Directory.GetFileSystemEntries(directory).Select(Path.GetFileName).Order().ToList();

        Assert.Contains("grubenv", names);
        Assert.Subset(new HashSet<string?> { "grubenv", Path.GetFileName(previous) }, names.ToHashSet());
        if (File.Exists(previous))
        {
            // The previous generation is what GRUB may still find after a power cut: a whole block.
            GrubEnvBlock.Parse(File.ReadAllBytes(previous));
        }
    }
}
