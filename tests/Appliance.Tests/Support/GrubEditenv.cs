using System.Text;

namespace Appliance.Tests.Support;

/// <summary>The real <c>grub-editenv</c> (Debian grub-common 2.06), the reference the grubenv code must match.</summary>
public static class GrubEditenv
{
    private static readonly string? Found = new[] { "/usr/bin/grub-editenv", "/usr/sbin/grub-editenv", "/bin/grub-editenv" }
        .FirstOrDefault(File.Exists);

    /// <summary>The message grub-editenv prints when a set does not fit; it then exits 1 and writes nothing.</summary>
    public const string TooSmall = "environment block too small";

    public static string Program => Found ?? throw new Xunit.Sdk.XunitException(
        "grub-editenv is not installed: install grub-common (make deps). These tests compare against it and never skip.");

    public static ProcessResult Run(params IEnumerable<string> args) => ProcessRunner.Run(Program, args);

    // "--" first: names may start with '-', which grub-editenv's argp would take for options.
    public static void Create(string file) => Ok(Run("--", file, "create"));

    public static ProcessResult Set(string file, IEnumerable<(string Name, string Value)> pairs) =>
        Run(new[] { "--", file, "set" }.Concat(pairs.Select(p => $"{p.Name}={p.Value}")));

    public static ProcessResult Unset(string file, IEnumerable<string> names) =>
        Run(new[] { "--", file, "unset" }.Concat(names));

    /// <summary><c>grub-editenv FILE list</c>: every variable as <c>name=value\n</c>, raw bytes.</summary>
    public static byte[] List(string file) => Ok(Run("--", file, "list")).Stdout;

    public static ProcessResult Ok(ProcessResult result)
    {
        if (result.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"expected success: {result}");
        }

        return result;
    }

    /// <summary>What <c>grub-editenv list</c> prints for these variables.</summary>
    public static byte[] ListingOf(IEnumerable<(string Name, string Value)> variables) =>
        Encoding.UTF8.GetBytes(string.Concat(variables.Select(v => $"{v.Name}={v.Value}\n")));
}
