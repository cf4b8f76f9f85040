using Appliance.Core.Kexec;
using FsCheck;
using FsCheck.Fluent;
using static Appliance.Tests.Support.Properties;

namespace Appliance.Tests.Core.Kexec;

public sealed class KernelCommandLineTests
{
    [Fact]
    public void Split_QuotedSpace_StaysOneWordWithItsQuotes()
    {
        var words = KernelCommandLine.Split("root=/dev/vda1  quiet \"acpi_osi=Windows 2009\"\tconsole=ttyS0");

        Assert.Equal(["root=/dev/vda1", "quiet", "\"acpi_osi=Windows 2009\"", "console=ttyS0"], words);
    }

    [Theory]
    [InlineData("root=/dev/vda1\0 init=/bin/sh", "NUL")]
    [InlineData("root=/dev/vda1\ninit=/bin/sh", "line break")]
    [InlineData("quiet \u001b[31m", "control character")]
    [InlineData("\"acpi_osi=Windows 2009", "unbalanced")]
    public void Problem_UnsafeCommandLine_SaysWhy(string line, string expected)
    {
        Assert.Contains(expected, KernelCommandLine.Problem(line));
    }

    [Fact]
    public void Problem_AtTheKexecLimit_IsAcceptedAndOneByteMoreIsNot()
    {
        string atLimit = new('a', KernelCommandLine.MaxKexecBytes);

        Assert.Null(KernelCommandLine.Problem(atLimit));
        Assert.Contains("2016", KernelCommandLine.Problem(atLimit + "b"));
    }

    [Fact]
    public void Problem_MultiByteText_CountsUtf8Bytes()
    {
        string line = new('é', (KernelCommandLine.MaxKexecBytes / 2) + 1);

        Assert.NotNull(KernelCommandLine.Problem(line));
    }

    [Fact]
    public void Split_ThenJoin_OfPrintableWords_RoundTrips()
    {
        var word = Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789=.,:/_-".ToCharArray())
            .NonEmptyListOf()
            .Select(chars => new string(chars.ToArray()));
        Check.One(Runs(500), Prop.ForAll(Arb.From(word.NonEmptyListOf()), words =>
        {
            string line = KernelCommandLine.Join(words);
            return KernelCommandLine.Split(line).SequenceEqual(words) && (line.Length > KernelCommandLine.MaxKexecBytes || KernelCommandLine.Problem(line) is null);
        }));
    }

    [Fact]
    public void Problem_AnyLineWithANul_IsRejected()
    {
        var text = Gen.Elements("ab =\"x".ToCharArray()).ListOf().Select(c => new string(c.ToArray()));
        Check.One(Runs(300), Prop.ForAll(Arb.From(text), Arb.From(text), (before, after) =>
            KernelCommandLine.Problem(before + "\0" + after) is not null));
    }
}
