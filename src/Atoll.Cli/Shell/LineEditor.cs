using System.Text;

namespace Atoll.Cli.Shell;

/// <summary>
/// A minimal line editor for the shell on a real terminal: typing, Backspace/Delete, Left/Right/Home/End, Up/Down through
/// the history, Ctrl+C to drop the line, Ctrl+D on an empty line to leave. Redraws with plain ANSI (carriage return, erase
/// to end of line), which every terminal emulator understands.
/// </summary>
internal sealed class LineEditor
{
    /// <summary>Reads a line after <paramref name="prompt"/>; null at end of input (Ctrl+D on an empty line).</summary>
    public static string? ReadLine(string prompt, IReadOnlyList<string> history)
    {
        var line = new StringBuilder();
        var cursor = 0;
        var recalled = history.Count;
        var draft = "";
        Console.Write(prompt);
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    Console.Write("\r\n");
                    return line.ToString();
                case ConsoleKey.Backspace when cursor > 0:
                    line.Remove(--cursor, 1);
                    break;
                case ConsoleKey.Delete when cursor < line.Length:
                    line.Remove(cursor, 1);
                    break;
                case ConsoleKey.LeftArrow when cursor > 0:
                    cursor--;
                    break;
                case ConsoleKey.RightArrow when cursor < line.Length:
                    cursor++;
                    break;
                case ConsoleKey.Home:
                    cursor = 0;
                    break;
                case ConsoleKey.End:
                    cursor = line.Length;
                    break;
                case ConsoleKey.UpArrow when recalled > 0:
                    if (recalled == history.Count) draft = line.ToString();
                    Replace(line, history[--recalled], ref cursor);
                    break;
                case ConsoleKey.DownArrow when recalled < history.Count:
                    recalled++;
                    Replace(line, recalled == history.Count ? draft : history[recalled], ref cursor);
                    break;
                case ConsoleKey.D when key.Modifiers.HasFlag(ConsoleModifiers.Control):
                    if (line.Length == 0)
                    {
                        Console.Write("\r\n");
                        return null;
                    }
                    break;
                case ConsoleKey.C when key.Modifiers.HasFlag(ConsoleModifiers.Control):
                    line.Clear();
                    cursor = 0;
                    Console.Write("^C\r\n");
                    Console.Write(prompt);
                    continue;
                default:
                    if (key.KeyChar >= ' ' && key.KeyChar != '\u007f')
                        line.Insert(cursor++, key.KeyChar);
                    else if (key.KeyChar == '\t')
                        line.Insert(cursor++, "    ");
                    else continue;
                    break;
            }
            Redraw(prompt, line, cursor);
        }
    }

    static void Replace(StringBuilder line, string text, ref int cursor)
    {
        line.Clear().Append(text.Replace('\n', ' '));
        cursor = line.Length;
    }

    static void Redraw(string prompt, StringBuilder line, int cursor)
    {
        var text = line.ToString();
        Console.Write($"\r{prompt}{text}\u001b[K");
        if (text.Length > cursor) Console.Write($"\u001b[{text.Length - cursor}D");
    }
}
