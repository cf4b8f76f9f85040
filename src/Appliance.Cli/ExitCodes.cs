namespace Appliance.Cli;

/// <summary>Exit codes, from BSD's sysexits.h; the man page lists them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>A query found nothing (e.g. <c>env get</c> of an unset variable), as <c>git config --get</c> does.</summary>
    public const int NotFound = 1;

    /// <summary>'boot validate': this boot is not good (checks failed, trial rejected), so units ordered before boot-complete.target see a failure.</summary>
    public const int BootNotGood = 1;

    public const int Usage = 64;        // EX_USAGE
    public const int DataError = 65;    // EX_DATAERR
    public const int NoInput = 66;      // EX_NOINPUT
    public const int Unavailable = 69;  // EX_UNAVAILABLE: a library or service Appliance needs is missing
    public const int Software = 70;     // EX_SOFTWARE
    public const int OsError = 71;      // EX_OSERR
    public const int CantCreate = 73;   // EX_CANTCREAT
    public const int IoError = 74;      // EX_IOERR
    public const int TempFail = 75;     // EX_TEMPFAIL
    public const int NoPermission = 77; // EX_NOPERM
    public const int Config = 78;       // EX_CONFIG
}
