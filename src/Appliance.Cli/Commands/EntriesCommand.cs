using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Appliance.Core.Json;
using Appliance.Core.Menu;
using Appliance.Linux.Menu;

namespace Appliance.Cli.Commands;

/// <summary><c>appliance entries</c>: list GRUB's menu entries with the references that select them.</summary>
public static class EntriesCommand
{
    public static Command Build(CliContext context)
    {
        var jsonOption = CliContext.JsonOption("Print {\"entries\":[...]} with path, title, id, kernel, initrd, args and conditional for each entry");
        var configOption = new Option<string?>("--config")
        {
            Description = "The grub.cfg to read (default: <root>/boot/grub/grub.cfg, or <root>/boot/grub2/grub.cfg). Taken as given, not under --root.",
            HelpName = "FILE",
        };

        var entries = new Command("entries", "List GRUB's menu entries in menu order: the path GRUB's 'default' selects each with, and its title")
        {
            jsonOption,
            configOption,
        };
        entries.SetAction(parsed => context.Guarded(() =>
        {
            string root = context.Root(parsed);
            Menu menu = MenuReader.Read(root, parsed.GetValue(configOption));
            foreach (string warning in menu.Warnings)
            {
                context.Error.WriteLine($"appliance: warning: {warning}");
            }

            if (parsed.GetValue(jsonOption))
            {
                // Paths join levels with '>', which the default encoder writes as \u003E; the output is
                // read by scripts and people, never embedded in HTML, so only what JSON requires is escaped.
                var json = new ApplianceJsonContext(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
                context.Output.WriteLine(JsonSerializer.Serialize(new MenuListing(menu.Entries), json.MenuListing));
            }
            else
            {
                // One write: the console writer flushes every call, a system call per entry.
                var listing = new StringBuilder();
                foreach (MenuEntry entry in menu.Entries)
                {
                    listing.Append(entry.Path).Append('\t').Append(entry.Title).Append('\n');
                }

                context.Output.Write(listing.ToString());
            }

            return ExitCodes.Ok;
        }));
        return entries;
    }
}
