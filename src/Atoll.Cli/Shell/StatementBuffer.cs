using System.Text;

namespace Atoll.Cli.Shell;

/// <summary>Collects input lines until they hold a complete statement: a <c>;</c> outside quotes and comments ends it.</summary>
internal sealed class StatementBuffer
{
    readonly StringBuilder _text = new();

    public bool IsEmpty => _text.ToString().Trim().Length == 0;

    /// <summary>Adds a line; returns the complete statements so far (the rest stays buffered).</summary>
    public IReadOnlyList<string> Add(string line)
    {
        _text.Append(line).Append('\n');
        var text = _text.ToString();
        var statements = new List<string>();
        var start = 0;
        char quote = '\0';
        var lineComment = false;
        var blockComment = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            if (lineComment) { if (c == '\n') lineComment = false; continue; }
            if (blockComment) { if (c == '*' && next == '/') { blockComment = false; i++; } continue; }
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c is '\'' or '"' or '`') quote = c;
            else if (c == '[') quote = ']';
            else if (c == '-' && next == '-') lineComment = true;
            else if (c == '/' && next == '*') { blockComment = true; i++; }
            else if (c == ';')
            {
                var statement = text[start..(i + 1)].Trim();
                if (statement != ";") statements.Add(statement);
                start = i + 1;
            }
        }
        _text.Clear().Append(text[start..].TrimStart('\n', ' ', '\t', '\r'));
        return statements;
    }

    public void Clear() => _text.Clear();
}
