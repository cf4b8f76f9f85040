using System.Text;
using Appliance.Core.Hashing;
using Appliance.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Appliance.Tests.Core.Hashing;

/// <summary>
/// The managed SHA-256 against the FIPS 180-2 appendix B examples, and against .NET's OpenSSL-backed
/// SHA256 (present on the test host, absent on the appliance images) for any data cut into any pieces.
/// </summary>
public sealed class Sha256Tests
{
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void Hash_PublishedExample_MatchesPublishedDigest(string message, string digest)
    {
        Assert.Equal(digest, Convert.ToHexStringLower(Sha256.Hash(Encoding.ASCII.GetBytes(message))));
    }

    [Fact]
    public void Append_MillionAsInOddPieces_MatchesPublishedDigest()
    {
        var sha = new Sha256();
        byte[] piece = Encoding.ASCII.GetBytes(new string('a', 997));
        int left = 1_000_000;
        while (left > 0)
        {
            int n = Math.Min(left, piece.Length);
            sha.Append(piece.AsSpan(0, n));
            left -= n;
        }

        Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", Convert.ToHexStringLower(sha.Finish()));
    }

    [Theory]
    [InlineData(55)]
    [InlineData(56)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(119)]
    [InlineData(120)]
    [InlineData(128)]
    public void Hash_LengthAtPaddingBoundary_MatchesSystemSha256(int length)
    {
        byte[] data = [.. Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 3))];
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(data), Sha256.Hash(data));
    }

    [Fact]
    public void Append_AnyDataInAnyPieces_MatchesSystemSha256()
    {
        Gen<(byte[] Data, int[] Cuts)> cases =
            from data in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>())
            from cuts in Gen.ArrayOf(Gen.Choose(0, 200))
            select (data, cuts);
        Check.One(
            Properties.Runs(300),
            Prop.ForAll(Arb.From(cases), c =>
            {
                var sha = new Sha256();
                var rest = c.Data.AsSpan();
                foreach (int cut in c.Cuts)
                {
                    int n = Math.Min(cut, rest.Length);
                    sha.Append(rest[..n]);
                    rest = rest[n..];
                }

                sha.Append(rest);
                return sha.Finish().AsSpan().SequenceEqual(System.Security.Cryptography.SHA256.HashData(c.Data));
            }));
    }

    [Fact]
    public void Finish_Twice_Throws()
    {
        var sha = new Sha256();
        sha.Finish();
        Assert.Throws<InvalidOperationException>(() => sha.Finish());
        Assert.Throws<InvalidOperationException>(() => sha.Append([1]));
    }
}
