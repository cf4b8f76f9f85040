using System.Text;
using Appliance.Core.Collections;

namespace Appliance.Core.Kexec;

/// <summary>
/// A kernel command line as the kernel itself splits it (lib/cmdline.c next_arg): words
/// separated by spaces, a double quote protecting spaces up to the next one, the quotes kept
/// in the word.
/// </summary>
public static class KernelCommandLine
{
    /// <summary>
    /// The longest command line, in UTF-8 bytes without the NUL, that kexec_file_load accepts for
    /// an x86_64 bzImage. arch/x86/kernel/kexec-bzimage64.c bzImage64_load refuses (EINVAL)
    /// when <c>cmdline_len</c> (NUL included) plus MAX_ELFCOREHDR_STR_LEN (30, room for the
    /// <c>elfcorehdr=</c> a crash load prepends) exceeds the image's <c>setup_header.cmdline_size</c>,
    /// which is COMMAND_LINE_SIZE - 1 = 2047 (arch/x86/include/asm/setup.h, arch/x86/boot/header.S).
    /// The check is the same for a crash and a soft load; arm64's COMMAND_LINE_SIZE is 2048 too
    /// (arch/arm64/include/uapi/asm/setup.h), so the x86 bound is the one that binds.
    /// </summary>
    public const int MaxKexecBytes = 2047 - 30 - 1;

    /// <summary>Splits <paramref name="commandLine"/> into words the way the kernel does; quotes stay in the word.</summary>
    public static IReadOnlyList<string> Split(string commandLine)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        foreach (char c in commandLine)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }

            if (!quoted && IsSpace(c))
            {
                if (current.Length > 0)
                {
                    words.Add(current.ToString());
                    current.Clear();
                }

                continue;
            }

            current.Append(c);
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Filter(w => w.Length > 0));

    /// <summary>The parameter name of a word: the text before the first <c>=</c> (the whole word for a flag like <c>irqpoll</c>).</summary>
    public static string NameOf(string word)
    {
        int equals = word.IndexOf('=');
        return equals < 0 ? word : word[..equals];
    }

    /// <summary>The value after the first <c>=</c>, or null for a flag.</summary>
    public static string? ValueOf(string word)
    {
        int equals = word.IndexOf('=');
        return equals < 0 ? null : word[(equals + 1)..];
    }

    /// <summary>
    /// Why <paramref name="commandLine"/> cannot be handed to kexec_file_load, or null when it can.
    /// A NUL would end it early (the kernel copies it as a C string); a newline or other control
    /// character would be taken as a separator or reach /proc/cmdline verbatim; an unbalanced
    /// quote would swallow every word after it into one.
    /// </summary>
    public static string? Problem(string commandLine)
    {
        for (int k = 0; k < commandLine.Length; k++)
        {
            char c = commandLine[k];
            if (c == '\0')
            {
                return $"it contains a NUL byte at offset {k}";
            }

            if (c is '\n' or '\r')
            {
                return $"it contains a line break at offset {k}";
            }

            if (char.IsControl(c) && c != '\t')
            {
                return $"it contains the control character U+{(int)c:X4} at offset {k}";
            }
        }

        if (commandLine.AsSpan().Count('"') % 2 != 0)
        {
            return "it has an unbalanced double quote, which would join every word after it into one";
        }

        int bytes = Encoding.UTF8.GetByteCount(commandLine);
        if (bytes > MaxKexecBytes)
        {
            return $"it is {bytes} bytes, more than the {MaxKexecBytes} a kexec'd kernel accepts (COMMAND_LINE_SIZE 2048, less room for elfcorehdr=)";
        }

        return null;
    }

    // lib/cmdline.c next_arg uses isspace(): space, \t, \n, \v, \f, \r.
    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';
}
