using Appliance.Core.Collections;

namespace Appliance.Core.Menu;

internal abstract record ScriptNode(int Line);

/// <summary>A command with its words and, for commands like <c>menuentry</c>, the block that follows them.</summary>
internal sealed record CommandNode(IReadOnlyList<Token> Words, IReadOnlyList<ScriptNode>? Block, int Line) : ScriptNode(Line)
{
    public string Name => Words[0].Value;
}

/// <summary>
/// Every command list of an <c>if</c> (conditions and branches) or of a loop, in source order.
/// Which of them runs is only known at boot, so what they define is conditional.
/// </summary>
internal sealed record ConditionalNode(IReadOnlyList<ScriptNode> Body, int Line) : ScriptNode(Line);

/// <summary>
/// A recursive-descent reading of GRUB's grammar (grub-core/script/parser.y): a script is
/// commands separated by newlines or <c>;</c>; a command is words with an optional block
/// <c>{ ... }</c> at its end (that is all <c>menuentry</c> and <c>submenu</c> are); plus
/// <c>if/elif/else/fi</c>, <c>for/while/until ... do ... done</c> and, at the top level only,
/// <c>function NAME { ... }</c>. Reserved words count only where a command starts. What
/// parser.y rejects is rejected here, with the line, as <see cref="GrubConfigException"/>
/// (the tests hold this against GRUB's own grub-script-check). Three limits are ours: nesting
/// deeper than <see cref="MaxNesting"/> is rejected, a single token longer than the lexer's
/// YYLMAX, which makes GRUB abort, is accepted, and a NUL, where GRUB drops the rest of the
/// line, is rejected (<see cref="GrubScriptLexer.NulProblem"/>).
/// </summary>
internal sealed class GrubScriptParser
{
    // Far deeper than any generated config; keeps hostile input from exhausting the stack.
    private const int MaxNesting = 64;

    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "case", "do", "done", "elif", "else", "esac", "fi", "for", "if", "in", "select", "then", "until", "while", "function",
    };

    private readonly List<Token> _tokens;
    private int _next;
    private int _nesting;

    private GrubScriptParser(List<Token> tokens)
    {
        _tokens = tokens;
    }

    public static IReadOnlyList<ScriptNode> Parse(string text)
    {
        var parser = new GrubScriptParser(GrubScriptLexer.Tokenize(text));
        return parser.ParseList(Closer.EndOfFile, topLevel: true);
    }

    private Token Peek() => _tokens[_next];

    private Token Take()
    {
        Token token = _tokens[_next];
        if (token.Kind != TokenKind.End)
        {
            _next++;
        }

        return token;
    }

    private void SkipNewlines()
    {
        while (Peek().Kind == TokenKind.Newline)
        {
            _next++;
        }
    }

    /// <summary>
    /// parser.y's <c>commands1</c> (or <c>script</c> at the top level): commands, each ended by
    /// one newline or <c>;</c> followed by any number of newlines, up to the closer.
    /// </summary>
    private List<ScriptNode> ParseList(Closer closer, bool topLevel = false)
    {
        if (++_nesting > MaxNesting)
        {
            throw new GrubConfigException(Peek().Line, $"blocks and 'if's nested more than {MaxNesting} deep");
        }

        var nodes = new List<ScriptNode>();
        int commands = 0;
        SkipNewlines();
        while (true)
        {
            Token token = Peek();
            if (closer.IsEnd(token))
            {
                break;
            }

            switch (token.Kind)
            {
                case TokenKind.End:
                    throw new GrubConfigException(closer.Line, closer.UnclosedProblem());
                case TokenKind.RightBrace:
                    throw new GrubConfigException(token.Line, "'}' without a matching '{'" + closer.StillOpen());
                case TokenKind.LeftBrace:
                    throw new GrubConfigException(token.Line, "'{' must follow a command on the same line");
                case TokenKind.Semicolon:
                    throw new GrubConfigException(token.Line, "';' with no command before it");
            }

            ScriptNode? node = ParseCommand(topLevel);
            commands++;
            if (node is not null)
            {
                nodes.Add(node);
            }

            Token after = Peek();
            if (after.Kind is TokenKind.Newline or TokenKind.Semicolon)
            {
                _next++;
                SkipNewlines();
                continue;
            }

            // A block may close right after a command ("{ linux /k }"); a function body may not.
            if (closer.IsEnd(after) && (after.Kind == TokenKind.End || (after.Kind == TokenKind.RightBrace && !closer.NeedsDelimiterBeforeEnd)))
            {
                break;
            }

            throw new GrubConfigException(after.Line, $"expected a new line or ';' before {after.Describe()}");
        }

        if (commands == 0 && !closer.AllowsEmpty)
        {
            throw new GrubConfigException(closer.Line, $"{closer.What} has no commands; GRUB's parser needs at least one");
        }

        _nesting--;
        return nodes;
    }

    private ScriptNode? ParseCommand(bool topLevel)
    {
        Token first = Peek();
        if (first.Kind == TokenKind.Word && first.IsPlain && Reserved.Contains(first.Value))
        {
            switch (first.Value)
            {
                case "if":
                    return ParseIf(Take());
                case "for":
                    return ParseFor(Take());
                case "while" or "until":
                    return ParseWhile(Take());
                case "function" when topLevel:
                    Take();
                    ParseFunction();
                    return null;
                case "function":
                    throw new GrubConfigException(first.Line, "a function can only be defined at the top level, not inside a block or 'if'");
                default:
                    throw new GrubConfigException(first.Line, $"unexpected '{first.Value}'");
            }
        }

        var words = new List<Token>();
        while (Peek().Kind == TokenKind.Word)
        {
            words.Add(Take());
        }

        IReadOnlyList<ScriptNode>? block = null;
        if (Peek().Kind == TokenKind.LeftBrace)
        {
            Token open = Take();
            block = ParseList(Closer.Brace(open, $"the block of '{words[0].Value}'"));
            Take();
        }

        return new CommandNode(words, block, first.Line);
    }

    private ConditionalNode ParseIf(Token start)
    {
        var body = new List<ScriptNode>();
        while (true)
        {
            body.AddRange(ParseList(Closer.Reserved(start, "the condition of 'if'", "then")));
            Take();
            body.AddRange(ParseList(Closer.Reserved(start, "the 'then' branch of 'if'", "elif", "else", "fi")));
            Token next = Take();
            if (next.Value == "elif")
            {
                continue;
            }

            if (next.Value == "else")
            {
                body.AddRange(ParseList(Closer.Reserved(start, "the 'else' branch of 'if'", "fi")));
                Take();
            }

            return new ConditionalNode(body, start.Line);
        }
    }

    private ConditionalNode ParseFor(Token start)
    {
        Token name = Take();
        if (!IsName(name))
        {
            throw new GrubConfigException(name.Line, $"'for' needs a variable name, not {name.Describe()}");
        }

        Token inWord = Take();
        if (!inWord.IsReserved("in"))
        {
            throw new GrubConfigException(inWord.Line, $"expected 'in' after 'for {name.Value}', not {inWord.Describe()}");
        }

        while (Peek().Kind == TokenKind.Word)
        {
            Take();
        }

        Token delimiter = Take();
        if (delimiter.Kind is not (TokenKind.Newline or TokenKind.Semicolon))
        {
            throw new GrubConfigException(delimiter.Line, $"expected a new line or ';' before {delimiter.Describe()}");
        }

        SkipNewlines();
        Token doWord = Take();
        if (!doWord.IsReserved("do"))
        {
            throw new GrubConfigException(doWord.Line, $"expected 'do' in the 'for' loop, not {doWord.Describe()}");
        }

        var body = ParseList(Closer.Reserved(start, "the body of 'for'", "done"));
        Take();
        return new ConditionalNode(body, start.Line);
    }

    private ConditionalNode ParseWhile(Token start)
    {
        var body = new List<ScriptNode>();
        body.AddRange(ParseList(Closer.Reserved(start, $"the condition of '{start.Value}'", "do")));
        Take();
        body.AddRange(ParseList(Closer.Reserved(start, $"the body of '{start.Value}'", "done")));
        Take();
        return new ConditionalNode(body, start.Line);
    }

    /// <summary>Reads a function definition and drops it: menu entries in a function body only exist if it is called.</summary>
    private void ParseFunction()
    {
        Token name = Take();
        if (!IsName(name))
        {
            throw new GrubConfigException(name.Line, $"'function' needs a name of letters, digits and '_', not {name.Describe()}");
        }

        SkipNewlines();
        Token open = Take();
        if (open.Kind != TokenKind.LeftBrace)
        {
            throw new GrubConfigException(open.Line, $"expected '{{' after 'function {name.Value}', not {open.Describe()}");
        }

        ParseList(Closer.Brace(open, $"function '{name.Value}'", needsDelimiterBeforeEnd: true));
        Take();
    }

    /// <summary>yylex.l's NAME: <c>[[:alpha:]_][[:alnum:]_]*</c>, unquoted; what <c>function</c> and <c>for</c> take.</summary>
    private static bool IsName(Token token) =>
        token.Kind == TokenKind.Word
        && token.IsPlain
        && !Reserved.Contains(token.Value)
        && token.Value.Length > 0
        && (char.IsAsciiLetter(token.Value[0]) || token.Value[0] == '_')
        && token.Value.TrueForAll(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>What ends a command list, and how to describe it in an error.</summary>
    private sealed class Closer
    {
        private readonly TokenKind? _kind;
        private readonly string[] _words;

        private Closer(TokenKind? kind, string[] words, int line, string what, bool allowsEmpty, bool needsDelimiterBeforeEnd = false)
        {
            _kind = kind;
            _words = words;
            Line = line;
            What = what;
            AllowsEmpty = allowsEmpty;
            NeedsDelimiterBeforeEnd = needsDelimiterBeforeEnd;
        }

        public static Closer EndOfFile { get; } = new(TokenKind.End, [], 1, "the file", allowsEmpty: true);

        public int Line { get; }

        public string What { get; }

        public bool AllowsEmpty { get; }

        /// <summary>parser.y ends a function body with <c>delimiters1 "}"</c> but a block with <c>delimiters0 "}"</c>.</summary>
        public bool NeedsDelimiterBeforeEnd { get; }

        public static Closer Brace(Token open, string what, bool needsDelimiterBeforeEnd = false) =>
            new(TokenKind.RightBrace, [], open.Line, $"{what} (opened on line {open.Line})", allowsEmpty: false, needsDelimiterBeforeEnd);

        public static Closer Reserved(Token start, string what, params string[] words) =>
            new(null, words, start.Line, $"{what} (line {start.Line})", allowsEmpty: false);

        public bool IsEnd(Token token) =>
            _kind is { } kind ? token.Kind == kind : token.Kind == TokenKind.Word && token.IsPlain && _words.Contains(token.Value);

        public string UnclosedProblem() => _kind switch
        {
            TokenKind.RightBrace => $"end of file inside {What}: missing '}}'",
            null => $"end of file inside {What}: missing '{string.Join("' or '", _words)}'",
            _ => "unexpected end of file",
        };

        public string StillOpen() => _kind == TokenKind.End ? string.Empty : $" (inside {What})";
    }
}
