namespace Appliance.Core.Menu;

/// <summary>
/// The version comparison blscfg sorts BLS entries with (grub-core/commands/blscfg.c in
/// rhboot/grub2, <c>vercmp</c> and <c>split_package_string</c>): rpm's rpmvercmp, including the
/// <c>+</c> separator handling of current Fedora GRUB.
/// </summary>
public static class RpmVersion
{
    /// <summary>1 when <paramref name="a"/> is newer, -1 when <paramref name="b"/> is, 0 when they compare equal.</summary>
    public static int Compare(string a, string b)
    {
        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return 0;
        }

        int i = 0;
        int j = 0;
        while (i < a.Length || j < b.Length)
        {
            while (i < a.Length && !char.IsAsciiLetterOrDigit(a[i]) && a[i] is not ('~' or '+'))
            {
                i++;
            }

            while (j < b.Length && !char.IsAsciiLetterOrDigit(b[j]) && b[j] is not ('~' or '+'))
            {
                j++;
            }

            bool aEnded = i >= a.Length;
            bool bEnded = j >= b.Length;

            // A tilde sorts before everything, even the end of the string: 1.0~rc1 < 1.0.
            bool aTilde = !aEnded && a[i] == '~';
            bool bTilde = !bEnded && b[j] == '~';
            if (aTilde || bTilde)
            {
                if (!aTilde)
                {
                    return 1;
                }

                if (!bTilde)
                {
                    return -1;
                }

                i++;
                j++;
                continue;
            }

            // A plus is like a tilde, except that the string that has ended is the older one.
            bool aPlus = !aEnded && a[i] == '+';
            bool bPlus = !bEnded && b[j] == '+';
            if (aPlus || bPlus)
            {
                if (aEnded)
                {
                    return -1;
                }

                if (bEnded)
                {
                    return 1;
                }

                if (!aPlus)
                {
                    return 1;
                }

                if (!bPlus)
                {
                    return -1;
                }

                i++;
                j++;
                continue;
            }

            if (aEnded || bEnded)
            {
                break;
            }

            int aStart = i;
            int bStart = j;
            bool numeric = char.IsAsciiDigit(a[i]);
            if (numeric)
            {
                while (i < a.Length && char.IsAsciiDigit(a[i]))
                {
                    i++;
                }

                while (j < b.Length && char.IsAsciiDigit(b[j]))
                {
                    j++;
                }
            }
            else
            {
                while (i < a.Length && char.IsAsciiLetter(a[i]))
                {
                    i++;
                }

                while (j < b.Length && char.IsAsciiLetter(b[j]))
                {
                    j++;
                }
            }

            // Segments of different types: the numeric one is newer.
            if (j == bStart)
            {
                return numeric ? 1 : -1;
            }

            if (numeric)
            {
                while (aStart < i && a[aStart] == '0')
                {
                    aStart++;
                }

                while (bStart < j && b[bStart] == '0')
                {
                    bStart++;
                }

                int aDigits = i - aStart;
                int bDigits = j - bStart;
                if (aDigits != bDigits)
                {
                    return aDigits > bDigits ? 1 : -1;
                }
            }

            int segment = string.CompareOrdinal(a[aStart..i], b[bStart..j]);
            if (segment != 0)
            {
                return segment < 0 ? -1 : 1;
            }
        }

        if (i >= a.Length && j >= b.Length)
        {
            return 0;
        }

        return i >= a.Length ? -1 : 1;
    }

    /// <summary>
    /// Compares BLS file names (without <c>.conf</c>) as blscfg's <c>bls_cmp</c> does: each is split
    /// at its last two dashes into name-version-release, and the three parts are compared in turn.
    /// </summary>
    public static int CompareFileNames(string a, string b)
    {
        var (aName, aVersion, aRelease) = SplitNameVersionRelease(a);
        var (bName, bVersion, bRelease) = SplitNameVersionRelease(b);
        int result = Compare(aName, bName);
        if (result == 0)
        {
            result = Compare(aVersion, bVersion);
        }

        if (result == 0)
        {
            result = Compare(aRelease, bRelease);
        }

        return result;
    }

    /// <summary>
    /// blscfg's <c>split_package_string</c>: the release follows the last dash, the version the
    /// dash before it; with a single dash the part after it is the version. Missing parts are empty.
    /// </summary>
    internal static (string Name, string Version, string Release) SplitNameVersionRelease(string value)
    {
        int lastDash = value.LastIndexOf('-');
        if (lastDash < 0)
        {
            return (value, string.Empty, string.Empty);
        }

        string release = value[(lastDash + 1)..];
        string rest = value[..lastDash];
        int versionDash = rest.LastIndexOf('-');
        if (versionDash < 0)
        {
            return (rest, release, string.Empty);
        }

        return (rest[..versionDash], rest[(versionDash + 1)..], release);
    }
}
