using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;

// `floor env list --file F [--json]`: parse with System.CommandLine, read the block, print
// name=value lines (or one JSON object through a source-generated context). No checks, no
// escapes, no locking: only what any implementation on this stack must pay for.
var file = new Option<string>("--file") { Required = true };
var json = new Option<bool>("--json");
var list = new Command("list") { file, json };
list.SetAction(parsed =>
{
    var variables = new Dictionary<string, string>(StringComparer.Ordinal);
    foreach (string line in File.ReadAllText(parsed.GetValue(file)!).Split('\n'))
    {
        if (line.Length > 0 && line[0] != '#' && line.IndexOf('=') is > 0 and var at)
        {
            variables[line[..at]] = line[(at + 1)..];
        }
    }

    if (parsed.GetValue(json))
    {
        Console.Out.Write(JsonSerializer.Serialize(variables, FloorJson.Default.DictionaryStringString));
    }
    else
    {
        foreach (var (name, value) in variables)
        {
            Console.Out.Write($"{name}={value}\n");
        }
    }

    return 0;
});
return new RootCommand { new Command("env") { list } }.Parse(args).Invoke();

[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class FloorJson : JsonSerializerContext;
