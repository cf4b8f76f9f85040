using System.Text.RegularExpressions;

namespace Appliance.Cli;

/// <summary>
/// System.CommandLine names the .NET type an argument failed to parse as
/// (<c>System.Nullable`1[System.Int32]</c>); an operator reading it at 3 a.m. wants to know what to type.
/// </summary>
public static partial class ParseMessages
{
    public static string ForPeople(string message)
    {
        var match = CannotParse().Match(message);
        if (!match.Success)
        {
            return message;
        }

        string what = match.Groups["type"].Value switch
        {
            var t when t.Contains("System.Int32", StringComparison.Ordinal) || t.Contains("System.Int64", StringComparison.Ordinal) => "a whole number",
            var t when t.Contains("System.Double", StringComparison.Ordinal) => "a number",
            var t when t.Contains("System.Boolean", StringComparison.Ordinal) => "true or false",
            _ => "a value of the kind its help describes",
        };
        return $"{match.Groups["kind"].Value} {match.Groups["name"].Value} takes {what}, not '{match.Groups["value"].Value}'; see --help";
    }

    /// <summary>The word in System.CommandLine's "Unrecognized command or argument 'X'." error, or null for any other error.</summary>
    public static string? Unrecognized(string message) =>
        UnrecognizedWord().Match(message) is { Success: true } m ? m.Groups["word"].Value : null;

    [GeneratedRegex(@"^Unrecognized command or argument '(?<word>.*)'\.$", RegexOptions.Singleline)]
    private static partial Regex UnrecognizedWord();

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (?<kind>option|argument) '(?<name>.*)' as expected type '(?<type>.*)'\.$", RegexOptions.Singleline)]
    private static partial Regex CannotParse();
}
