using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Appliance.Cli;

/// <summary>One command line an operator would type, and what it does.</summary>
public sealed record HelpExample(string Line, string What);

/// <summary>
/// The "Examples:" section at the end of every command's --help: the one home of the examples,
/// keyed by the words that reach the command. A test parses every line here against the real
/// command tree, so an example cannot name an option that no longer exists.
/// </summary>
public static class HelpExamples
{
    public static IReadOnlyDictionary<string, HelpExample[]> ByCommand { get; } = new Dictionary<string, HelpExample[]>(StringComparer.Ordinal)
    {
        [""] = [
            new("appliance status", "What runs now, the known-good entry, and how the last boots ended"),
            new("appliance upgrade stage 2 --reboot", "Try menu entry 2 as a trial kernel, now"),
            new("appliance --root /mnt/image env list", "Read an offline image's grubenv"),
        ],
        ["env"] = [new("appliance env list", "Print grubenv as name=value lines")],
        ["env list"] = [
            new("appliance env list --json", "The same as one JSON object, in file order"),
            new("appliance env list --file /boot/efi/EFI/fedora/grubenv", "Read a grubenv kept on the EFI system partition"),
        ],
        ["env get"] = [new("appliance env get appliance_good", "Print the known-good entry; exit 1 when none is recorded")],
        ["env set"] = [new("appliance env set appliance_tries=3 appliance_trial=2", "Set two variables in one durable write")],
        ["env unset"] = [new("appliance env unset next_entry", "Remove a variable; nothing happens when it is not set")],
        ["env create"] = [new("appliance env create --file /tmp/grubenv", "Write an empty 1024-byte block, as grub-editenv create does")],
        ["watchdog"] = [new("appliance watchdog info", "List the watchdog devices without arming them")],
        ["watchdog run"] = [new("appliance watchdog run --config /etc/appliance/watchdog.conf", "Run the daemon in the foreground (appliance-watchdog.service runs it under systemd)")],
        ["watchdog status"] = [new("appliance watchdog status --json", "The daemon's last pet, targets and health, for a monitoring agent")],
        ["watchdog info"] = [new("appliance watchdog info --json", "Each device's identity, timeout and boot status as {\"watchdogs\":[...]}")],
        ["entries"] = [
            new("appliance entries", "Each entry's path (what 'upgrade stage' takes) and title"),
            new("appliance entries --config /tmp/grub.cfg --json", "Read another grub.cfg and print kernels, initrds and arguments too"),
        ],
        ["kexec"] = [new("appliance kexec status", "Is a crash kernel loaded, and is it the known-good one")],
        ["kexec arm"] = [new("appliance kexec arm --dry-run", "Show the kernel, initrd and command line a panic would jump to, loading nothing")],
        ["kexec disarm"] = [new("appliance kexec disarm", "Unload the crash kernel after a trial is committed by hand")],
        ["kexec status"] = [new("appliance kexec status --json", "The crash reservation and what is loaded, as JSON")],
        ["kexec panic-policy"] = [new("appliance kexec panic-policy apply --panic 5", "Make oopses and lockups panic during a trial")],
        ["kexec panic-policy apply"] = [new("appliance kexec panic-policy apply --panic 5", "Panic on oops, lockup and hung task; reboot 5 s after a panic with no crash kernel")],
        ["kexec panic-policy restore"] = [new("appliance kexec panic-policy restore", "Put back the values saved at apply")],
        ["kexec forensics"] = [new("appliance kexec forensics --limit 131072 --release", "Save 128 KiB of the crashed kernel's log from pstore, then free pstore")],
        ["drill"] = [new("appliance drill panic --yes", "On a canary: panic on purpose, come back through the rescue kernel, and record how long it took")],
        ["drill panic"] = [new("appliance drill panic --yes", "Run the drill on a committed, idle canary; once it is back, 'appliance status' shows the measured way back")],
        ["reboot"] = [
            new("appliance reboot --kexec --dry-run", "Show what a kexec into the known-good kernel would boot"),
            new("appliance reboot --kexec 0", "Skip the firmware: kexec straight into menu entry 0's kernel"),
        ],
        ["upgrade"] = [new("appliance upgrade stage 2 --tries 3", "Stage entry 2 with three boots to prove itself")],
        ["upgrade stage"] = [
            new("appliance upgrade stage 'gnulinux-advanced-UUID>gnulinux-6.1.0-57-amd64-advanced-UUID' --tries 3", "Stage a kernel from the 'Advanced options' submenu by its path from 'appliance entries' (quote the '>')"),
            new("appliance upgrade stage 2 --reboot --json", "Stage entry 2, print the result as JSON and reboot into it"),
            new("appliance upgrade stage 2 --force", "Stage entry 2 although its kernel failed a trial before (quarantined)"),
        ],
        ["upgrade pin"] = [new("appliance upgrade pin --if-unset", "Record the running entry as known-good unless one is recorded")],
        ["upgrade status"] = [new("appliance upgrade status --json", "The trial's state and tries left, for the rollout tool")],
        ["upgrade commit"] = [new("appliance upgrade commit", "Make the running trial known-good without waiting for the validator")],
        ["upgrade abort"] = [new("appliance upgrade abort", "Drop a staged trial before rebooting into it")],
        ["upgrade forget"] = [
            new("appliance upgrade forget 6.1.0-57-amd64", "Take every build of release 6.1.0-57-amd64 off the quarantine list"),
            new("appliance upgrade forget /boot/vmlinuz-6.1.0-57-amd64", "Take that kernel file's build off the quarantine list"),
        ],
        ["boot"] = [new("appliance boot validate", "Decide whether this boot is good (appliance-validate.service runs it)")],
        ["boot validate"] = [new("appliance boot validate --deadline 300 --no-reboot", "Give the checks five minutes; on failure record the rejection but stay up")],
        ["boot deadline"] = [new("appliance boot deadline --no-reboot", "Wait for the validator; past the deadline record the rejection but stay up")],
        ["boot mark-good"] = [new("appliance boot mark-good", "Commit the running trial by hand, as the validator would")],
        ["boot mark-bad"] = [new("appliance boot mark-bad --reboot", "Reject the running trial and reboot into known-good now")],
        ["status"] = [new("appliance status --json", "Trial state, known-good entry and recent boots as JSON")],
        ["check"] = [new("appliance check --json --deadline 60", "Run every health check within a minute and print the report as JSON")],
        ["metrics"] = [new("appliance metrics --textfile /var/lib/prometheus/node-exporter", "Write appliance.prom for node_exporter's textfile collector")],
    };

    /// <summary>A --help option whose output ends with the command's examples.</summary>
    public static HelpOption Option()
    {
        var help = new HelpOption();
        help.Action = new WithExamples((SynchronousCommandLineAction)help.Action!);
        return help;
    }

    /// <summary>The words that reach <paramref name="command"/> from the root, as keys of <see cref="ByCommand"/>.</summary>
    public static string PathOf(Command command)
    {
        var words = new List<string>();
        for (Command? c = command; ParentOf(c) is { } parent; c = parent)
        {
            words.Insert(0, c.Name);
        }

        return string.Join(' ', words);
    }

    /// <summary>The command <paramref name="command"/> hangs under, or null for the root (a command has one parent in this tree).</summary>
    public static Command? ParentOf(Command command)
    {
        foreach (Symbol parent in command.Parents)
        {
            if (parent is Command c)
            {
                return c;
            }
        }

        return null;
    }

    /// <summary>System.CommandLine's help, then the examples (its layout hooks are not public in 2.0.0).</summary>
    private sealed class WithExamples(SynchronousCommandLineAction help) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            int exitCode = help.Invoke(parseResult);
            if (ByCommand.TryGetValue(PathOf(parseResult.CommandResult.Command), out var examples))
            {
                TextWriter output = parseResult.InvocationConfiguration.Output;
                output.WriteLine("Examples:");
                foreach (var example in examples)
                {
                    output.WriteLine($"  {example.Line}");
                    output.WriteLine($"      {example.What}");
                }

                output.WriteLine();
            }

            return exitCode;
        }
    }
}
