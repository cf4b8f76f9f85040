using System.CommandLine;
using System.Text.Json;
using Appliance.Core.Collections;
using Appliance.Core.Grubenv;
using Appliance.Core.Json;
using Appliance.Linux.Grubenv;

namespace Appliance.Cli.Commands;

/// <summary><c>appliance env</c>: read and edit GRUB's environment block, byte-compatible with <c>grub-editenv</c>.</summary>
public static class EnvCommands
{
    public static Command Build(CliContext context)
    {
        var fileOption = new Option<string?>("--file")
        {
            Description = "The environment block to use (default: <root>/boot/grub/grubenv, or <root>/boot/grub2/grubenv where that exists). Taken as given, not under --root.",
            HelpName = "FILE",
            Recursive = true,
        };

        var env = new Command("env", "Read and edit GRUB's environment block (grubenv)");
        env.Options.Add(fileOption);

        GrubEnvFile Open(ParseResult parsed)
        {
            string root = context.Root(parsed);
            string path = parsed.GetValue(fileOption) ?? GrubEnvFile.DefaultPath(root);
            return new GrubEnvFile(path, context.FileSteps, context.Time);
        }

        var jsonOption = CliContext.JsonOption("Print one JSON object of name to value, in file order");
        var list = new Command("list", "List the variables, one name=value per line, in file order") { jsonOption };
        list.SetAction(parsed => context.Guarded(() =>
        {
            var env = Open(parsed);
            GrubEnvBlock block = env.Read();
            foreach (var variable in block.Variables.Filter(v => !v.IsUtf8))
            {
                context.Error.WriteLine($"appliance: {env.Path}: the record at byte {variable.Offset} ('{variable.Name}') is not UTF-8; shown with U+FFFD, kept in the file as written");
            }

            if (parsed.GetValue(jsonOption))
            {
                var map = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var variable in block.Variables)
                {
                    map[variable.Name] = variable.Value;
                }

                context.Output.WriteLine(JsonSerializer.Serialize(map, ApplianceJsonContext.Default.DictionaryStringString));
            }
            else
            {
                foreach (var variable in block.Variables)
                {
                    context.Output.Write($"{variable.Name}={variable.Value}\n");
                }
            }

            return ExitCodes.Ok;
        }));

        var nameArgument = new Argument<string>("NAME") { Description = "The variable to print" };
        var get = new Command("get", "Print one variable's value; exit 1 when it is not set") { nameArgument };
        get.SetAction(parsed => context.Guarded(() =>
        {
            var env = Open(parsed);
            string name = parsed.GetRequiredValue(nameArgument);
            RequireValidName(env.Path, name);
            string? value = env.Read().Get(name);
            if (value is null)
            {
                context.Error.WriteLine($"appliance: {env.Path}: {name} is not set");
                return ExitCodes.NotFound;
            }

            context.Output.Write(value + "\n");
            return ExitCodes.Ok;
        }));

        var assignments = new Argument<string[]>("NAME=VALUE") { Description = "Variables to set; all or none are written", Arity = ArgumentArity.OneOrMore };
        var set = new Command("set", "Set variables; all or none are written") { assignments };
        set.SetAction(parsed => context.Guarded(() =>
        {
            var env = Open(parsed);
            var pairs = parsed.GetRequiredValue(assignments).Map(a => ParseAssignment(env.Path, a));
            env.Update(block =>
            {
                foreach (var (name, value) in pairs)
                {
                    block.Set(name, value);
                }
            });
            return ExitCodes.Ok;
        }));

        var names = new Argument<string[]>("NAME") { Description = "Variables to remove", Arity = ArgumentArity.OneOrMore };
        var unset = new Command("unset", "Remove variables; unset ones are ignored") { names };
        unset.SetAction(parsed => context.Guarded(() =>
        {
            var env = Open(parsed);
            var toRemove = parsed.GetRequiredValue(names);
            foreach (string name in toRemove)
            {
                RequireValidName(env.Path, name);
            }

            env.Update(block =>
            {
                foreach (string name in toRemove)
                {
                    block.Unset(name);
                }
            });
            return ExitCodes.Ok;
        }));

        var forceOption = new Option<bool>("--force") { Description = "Replace an existing file with an empty block" };
        var create = new Command("create", "Write a new empty 1024-byte block, as grub-editenv create does") { forceOption };
        create.SetAction(parsed => context.Guarded(() =>
        {
            Open(parsed).Create(parsed.GetValue(forceOption));
            return ExitCodes.Ok;
        }));

        env.Subcommands.Add(list);
        env.Subcommands.Add(get);
        env.Subcommands.Add(set);
        env.Subcommands.Add(unset);
        env.Subcommands.Add(create);
        return env;
    }

    // Usage errors name the file too: the operator sees which grubenv was left alone.
    private static (string Name, string Value) ParseAssignment(string path, string assignment)
    {
        int equals = assignment.IndexOf('=');
        if (equals < 0)
        {
            throw new UsageException($"{path}: expected NAME=VALUE, got '{Printable(assignment)}'");
        }

        string name = assignment[..equals];
        RequireValidName(path, name);
        return (name, assignment[(equals + 1)..]);
    }

    private static void RequireValidName(string path, string name)
    {
        if (GrubEnvBlock.NameProblem(name) is { } problem)
        {
            throw new UsageException($"{path}: invalid variable name '{Printable(name)}': {problem}");
        }
    }

    /// <summary>Keeps an error on one line: a newline in a name would otherwise split the message.</summary>
    private static string Printable(string s) => s.Replace("\n", "\\n").Replace("\0", "\\0");
}
