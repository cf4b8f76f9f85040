using System.Text.Json;
using Appliance.Core.Collections;
using Appliance.Core.Json;
using Appliance.Core.Watchdog;
using Appliance.Linux.Files;

namespace Appliance.Linux.Watchdog;

/// <summary>Loads board profiles (<c>DIR/NAME/watchdog.json</c>) and reads what the machine says about itself.</summary>
public static class BoardProfiles
{
    /// <summary>Where an installed Appliance keeps the profiles, under the root.</summary>
    public static string DefaultDirectory(string root) => Path.Combine(root, "usr/share/appliance/boards");

    public static IReadOnlyList<BoardProfile> Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var profiles = new List<BoardProfile>();
        foreach (string board in Directory.EnumerateDirectories(directory).SortedOrdinal())
        {
            string file = Path.Combine(board, "watchdog.json");
            if (!File.Exists(file))
            {
                continue;
            }

            try
            {
                profiles.Add(JsonSerializer.Deserialize(File.ReadAllBytes(file), ApplianceJsonContext.Default.BoardProfile)
                    ?? throw new JsonException("null"));
            }
            catch (JsonException e)
            {
                throw new FileProblemException(FileProblemKind.Corrupt, file, $"not a board profile: {e.Message}");
            }
        }

        return profiles;
    }

    /// <summary>DMI from <c>/sys/class/dmi/id</c>, compatibles from <c>/proc/device-tree/compatible</c>, both under the root.</summary>
    public static MachineIdentity ReadMachine(string root)
    {
        string? Text(string relative)
        {
            string path = Path.Combine(root, relative);
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }

        string compatible = Path.Combine(root, "proc/device-tree/compatible");
        return new MachineIdentity(
            Text("sys/class/dmi/id/product_name"),
            Text("sys/class/dmi/id/sys_vendor"),
            File.Exists(compatible) ? MachineIdentity.ParseCompatible(File.ReadAllBytes(compatible)) : []);
    }

    /// <summary><c>Board=auto</c> detects, <c>none</c> uses no profile, a name must exist.</summary>
    public static BoardProfile? Resolve(string board, IReadOnlyList<BoardProfile> profiles, Func<MachineIdentity> machine, string directory) => board switch
    {
        "none" => null,
        "auto" => BoardDetector.Detect(profiles, machine()),
        _ => profiles.Find(p => p.Name == board)
            ?? throw new FileProblemException(FileProblemKind.Missing, directory,
                $"no board profile '{board}' (Board= in [Watchdog]); available: {(profiles.Count == 0 ? "none" : string.Join(", ", profiles.Map(p => p.Name)))}"),
    };
}
