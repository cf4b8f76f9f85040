using Appliance.Linux.Watchdog;

namespace Appliance.Tests.Linux.Watchdog;

public sealed class WatchdogAbiTests
{
    /// <summary>The request numbers as include/uapi/linux/watchdog.h expands them on x86_64 and arm64 (checked with a C program against the installed header).</summary>
    public static TheoryData<string, ulong, ulong> Requests => new()
    {
        { "GETSUPPORT", WatchdogAbi.GetSupport, 0x80285700 },
        { "GETSTATUS", WatchdogAbi.GetStatus, 0x80045701 },
        { "GETBOOTSTATUS", WatchdogAbi.GetBootStatus, 0x80045702 },
        { "SETOPTIONS", WatchdogAbi.SetOptions, 0x80045704 },
        { "KEEPALIVE", WatchdogAbi.KeepAlive, 0x80045705 },
        { "SETTIMEOUT", WatchdogAbi.SetTimeout, 0xC0045706 },
        { "GETTIMEOUT", WatchdogAbi.GetTimeout, 0x80045707 },
        { "SETPRETIMEOUT", WatchdogAbi.SetPretimeout, 0xC0045708 },
        { "GETPRETIMEOUT", WatchdogAbi.GetPretimeout, 0x80045709 },
        { "GETTIMELEFT", WatchdogAbi.GetTimeLeft, 0x8004570A },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Request_Number_MatchesKernelHeader(string name, ulong actual, ulong expected)
    {
        Assert.True(expected == actual, $"WDIOC_{name}: 0x{actual:X} != 0x{expected:X}");
    }

    [Fact]
    public void SetOptions_Arguments_MatchKernelHeader()
    {
        Assert.Equal((1, 2), (WatchdogAbi.DisableCard, WatchdogAbi.EnableCard));
        Assert.Equal((byte)'V', WatchdogAbi.MagicClose);
    }

    [Fact]
    public void ParseInfo_FortyBytes_ReadsOptionsFirmwareAndNulTerminatedIdentity()
    {
        var info = new byte[40];
        BitConverter.GetBytes(0x8180u).CopyTo(info, 0);
        BitConverter.GetBytes(7u).CopyTo(info, 4);
        "Software Watchdog"u8.CopyTo(info.AsSpan(8));
        info[39] = (byte)'X';

        var (options, firmware, identity) = WatchdogAbi.ParseInfo(info);

        Assert.Equal((0x8180u, 7u, "Software Watchdog"), (options, firmware, identity));
    }

    [Fact]
    public void ParseInfo_IdentityFillingAll32Bytes_IsReadWhole()
    {
        var info = new byte[40];
        Enumerable.Repeat((byte)'a', 32).ToArray().CopyTo(info, 8);

        Assert.Equal(new string('a', 32), WatchdogAbi.ParseInfo(info).Identity);
    }

    [Fact]
    public void ParseInfo_WrongSize_Throws()
    {
        Assert.Throws<ArgumentException>(() => WatchdogAbi.ParseInfo(new byte[39]));
    }
}
