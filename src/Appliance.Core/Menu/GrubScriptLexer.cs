using System.Text;

namespace Appliance.Core.Menu;

internal enum TokenKind
{
    Word,
    Newline,
    Semicolon,
    LeftBrace,
    RightBrace,
    End,
}

/// <summary>
/// One token of GRUB's script language. For a word, <see cref="Value"/> is the text after quote
/// removal with variable references kept as written (<c>$vt_handoff</c>, <c>${root}</c>), since
/// the menu model never expands variables.
/// </summary>
/// <param name="IsPlain">No quotes, escapes or variables: only such a word can be a reserved word.</param>
/// <param name="SoleVariable">The variable's name when the word is nothing but one variable reference.</param>
internal sealed record Token(TokenKind Kind, int Line, string Value = "", bool IsPlain = false, string? SoleVariable = null)
{
    public bool IsReserved(string word) => Kind == TokenKind.Word && IsPlain && Value == word;

    public string Describe() => Kind switch
    {
        TokenKind.Word => $"'{Value}'",
        TokenKind.Newline => "end of line",
        TokenKind.Semicolon => "';'",
        TokenKind.LeftBrace => "'{'",
        TokenKind.RightBrace => "'}'",
        _ => "end of file",
    };
}

/// <summary>
/// Splits grub.cfg text into tokens following GRUB's lexer (grub-core/script/yylex.l): blanks
/// separate words; <c>{</c>, <c>}</c>, <c>;</c> and newlines are tokens of their own even inside
/// a word; <c>#</c> starts a comment only at the start of a word; single quotes are literal,
/// double quotes honour <c>\$ \\ \"</c> and backslash-newline; outside quotes a backslash takes
/// the next character literally and backslash-newline joins lines.
/// </summary>
internal sealed class GrubScriptLexer
{
    private readonly string _text;

    // One buffer for every word: a builder per word was most of what a large grub.cfg allocated.
    private readonly StringBuilder _word = new();

    private int _pos;
    private int _line = 1;

    private GrubScriptLexer(string text)
    {
        _text = text;
    }

    public static List<Token> Tokenize(string text)
    {
        var lexer = new GrubScriptLexer(AsGrubReadsLines(text));
        var tokens = new List<Token>();
        while (true)
        {
            Token token = lexer.Next();
            tokens.Add(token);
            if (token.Kind == TokenKind.End)
            {
                return tokens;
            }
        }
    }

    /// <summary>
    /// Why a NUL is refused rather than read as GRUB reads it: grub_file_getline
    /// (grub-core/normal/main.c) keeps the NUL in the line, which the lexer then takes as a C
    /// string, so GRUB silently drops the rest of that line (a closing quote, a '{') and the menu
    /// it shows is not the one the file lists. grub-mkconfig never writes one.
    /// </summary>
    public const string NulProblem =
        "grub.cfg contains a NUL byte, so it is binary or corrupted (GRUB would silently drop the rest of that line); "
        + "regenerate it with update-grub (or grub-mkconfig -o FILE), or restore it from a backup";

    /// <summary>
    /// The text as GRUB's line reader hands it to the lexer: grub_file_getline
    /// (grub-core/normal/main.c) drops every carriage return, inside quotes too. A NUL is refused
    /// (<see cref="NulProblem"/>), at its offset in the text's UTF-8 encoding.
    /// </summary>
    private static string AsGrubReadsLines(string text)
    {
        int nul = text.IndexOf('\0');
        if (nul >= 0)
        {
            ReadOnlySpan<char> before = text.AsSpan(0, nul);
            throw new GrubConfigException(before.Count('\n') + 1, Encoding.UTF8.GetByteCount(before), NulProblem);
        }

        return text.Contains('\r') ? text.Replace("\r", string.Empty, StringComparison.Ordinal) : text;
    }

    private char At(int index) => index < _text.Length ? _text[index] : '\0';

    private Token Next()
    {
        while (true)
        {
            while (_pos < _text.Length && _text[_pos] is ' ' or '\t')
            {
                _pos++;
            }

            if (_pos >= _text.Length)
            {
                return new Token(TokenKind.End, _line);
            }

            char c = _text[_pos];
            switch (c)
            {
                case '#':
                    while (_pos < _text.Length && _text[_pos] != '\n')
                    {
                        _pos++;
                    }

                    continue;
                case '\n':
                    _pos++;
                    _line++;
                    return new Token(TokenKind.Newline, _line - 1);
                case ';' when At(_pos + 1) == ';':
                    throw new GrubConfigException(_line, "';;' belongs to 'case', which GRUB's script does not have");
                case ';':
                    _pos++;
                    return new Token(TokenKind.Semicolon, _line);
                case '{':
                    _pos++;
                    return new Token(TokenKind.LeftBrace, _line);
                case '}':
                    _pos++;
                    return new Token(TokenKind.RightBrace, _line);
                case '|' or '&' or '<' or '>':
                    // yylex.l makes these tokens, but parser.y has no rule that takes them.
                    throw new GrubConfigException(_line, $"'{c}' outside quotes: GRUB's script has no pipes, redirections, '&&' or '||'");
                case '\\' when _pos + 1 >= _text.Length:
                    throw new GrubConfigException(_line, "backslash at the end of the file");
                default:
                    // Even a backslash-newline starts a word: yylex.l's WORD takes the escape and
                    // what follows it, so "\<newline>fi" is a word, not the reserved word fi.
                    Token word = ReadWord();
                    if (word.IsPlain && word.Value is "[[" or "]]")
                    {
                        throw new GrubConfigException(word.Line, $"'{word.Value}' is a token of its own in GRUB's lexer, which no rule of its grammar takes; quote it");
                    }

                    return word;
            }
        }
    }

    private Token ReadWord()
    {
        int line = _line;
        StringBuilder value = _word.Clear();
        bool plain = true;
        int literalChars = 0;
        int variables = 0;
        string? lastVariable = null;

        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c is ' ' or '\t' or '\n' or ';' or '{' or '}' or '|' or '&' or '<' or '>')
            {
                break;
            }

            switch (c)
            {
                case '\\':
                    plain = false;
                    if (At(_pos + 1) == '\n' && _pos + 2 >= _text.Length)
                    {
                        throw new GrubConfigException(_line, "backslash-newline at the end of the file continues into nothing");
                    }

                    if (At(_pos + 1) == '\n')
                    {
                        _pos += 2;
                        _line++;
                    }
                    else if (_pos + 1 < _text.Length)
                    {
                        value.Append(_text[_pos + 1]);
                        literalChars++;
                        _pos += 2;
                    }
                    else
                    {
                        throw new GrubConfigException(_line, "backslash at the end of the file");
                    }

                    break;
                case '\'':
                    plain = false;
                    literalChars += ReadSingleQuoted(value);
                    break;
                case '"':
                    plain = false;
                    literalChars += ReadDoubleQuoted(value, expandsVariables: true, ref variables, ref lastVariable);
                    break;
                case '$' when At(_pos + 1) == '"':
                    // $"..." is a gettext string (I18NSTR); its text is kept, untranslated.
                    plain = false;
                    _pos++;
                    literalChars += ReadDoubleQuoted(value, expandsVariables: false, ref variables, ref lastVariable);
                    break;
                case '$':
                    plain = false;
                    lastVariable = ReadVariable(value);
                    variables++;
                    break;
                default:
                    value.Append(c);
                    literalChars++;
                    _pos++;
                    break;
            }
        }

        string? sole = variables == 1 && literalChars == 0 ? lastVariable : null;
        return new Token(TokenKind.Word, line, value.ToString(), plain, sole);
    }

    private int ReadSingleQuoted(StringBuilder value)
    {
        int startLine = _line;
        int end = _text.IndexOf('\'', _pos + 1);
        if (end < 0)
        {
            throw new GrubConfigException(startLine, "single quote is never closed");
        }

        ReadOnlySpan<char> inside = _text.AsSpan(_pos + 1, end - _pos - 1);
        _line += inside.Count('\n');
        value.Append(inside);
        _pos = end + 1;
        return inside.Length;
    }

    private int ReadDoubleQuoted(StringBuilder value, bool expandsVariables, ref int variables, ref string? lastVariable)
    {
        int startLine = _line;
        int literalChars = 0;
        _pos++;
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw new GrubConfigException(startLine, "double quote is never closed");
            }

            char c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                return literalChars;
            }

            if (c == '\\' && At(_pos + 1) == '\n')
            {
                _pos += 2;
                _line++;
                continue;
            }

            if (c == '\\' && At(_pos + 1) is '$' or '\\' or '"')
            {
                value.Append(_text[_pos + 1]);
                literalChars++;
                _pos += 2;
                continue;
            }

            if (c == '$' && expandsVariables)
            {
                lastVariable = ReadVariable(value);
                variables++;
                continue;
            }

            if (c == '\n')
            {
                _line++;
            }

            // Any other backslash stays, and the character after it is read normally.
            value.Append(c);
            literalChars++;
            _pos++;
        }
    }

    /// <summary>Reads one of yylex.l's VARIABLE forms: <c>$NAME ${NAME} $DIGITS ${DIGITS}</c> and <c>$? $# $* $@</c>, braced or not.</summary>
    private string ReadVariable(StringBuilder value)
    {
        int start = _pos;
        _pos++;
        bool braced = At(_pos) == '{';
        if (braced)
        {
            _pos++;
        }

        int nameStart = _pos;
        char first = At(_pos);
        if (char.IsAsciiLetter(first) || first == '_')
        {
            while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
            {
                _pos++;
            }
        }
        else if (char.IsAsciiDigit(first))
        {
            while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            {
                _pos++;
            }
        }
        else if (first is '?' or '#' or '*' or '@')
        {
            _pos++;
        }
        else
        {
            throw new GrubConfigException(_line, "'$' is not followed by a variable name (write '\\$' for a dollar sign)");
        }

        string name = _text[nameStart.._pos];
        if (braced)
        {
            if (At(_pos) != '}')
            {
                throw new GrubConfigException(_line, $"'${{{name}' is not closed with '}}'");
            }

            _pos++;
        }

        value.Append(_text, start, _pos - start);
        return name;
    }
}
