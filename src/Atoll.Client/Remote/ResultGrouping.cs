using Atoll.Client.Protocol;
using Atoll.Engine;

namespace Atoll.Client.Remote;

/// <summary>
/// The REST API answers one result per statement; the binding's <c>prepare()</c> gives one per SQL text (its last statement's).
/// This folds the first into the second, with the text's meta as the engine computes it for the binding.
/// </summary>
internal static class ResultGrouping
{
    /// <exception cref="D1Exception">The result count matches no split of the texts (the server and client disagree).</exception>
    public static IReadOnlyList<StatementResult> LastOfEach(IReadOnlyList<Statement> texts, List<StatementResult> items)
    {
        if (items.Count == texts.Count) return items; // each text held one statement: the usual case, no parsing needed
        var grouped = new List<StatementResult>(texts.Count);
        var next = 0;
        foreach (var text in texts)
        {
            var count = SqlText.CountStatements(text.Sql);
            if (count < 1 || next + count > items.Count) break;
            grouped.Add(Fold(items, next, count));
            next += count;
        }
        if (grouped.Count != texts.Count || next != items.Count)
            throw new D1Exception(D1ErrorCodes.Error, $"The server returned {items.Count} results for {texts.Count} SQL texts, which do not split into them.");
        return grouped;
    }

    /// <summary>The last statement's rows; changes and duration summed over the text, as the engine's per-text meta counts them.</summary>
    static StatementResult Fold(List<StatementResult> items, int start, int count)
    {
        var last = items[start + count - 1];
        if (count == 1) return last;
        long changes = 0;
        double duration = 0, sql = 0;
        var changed = false;
        for (var i = start; i < start + count; i++)
        {
            var meta = items[i].Meta;
            changes += meta.Changes;
            duration += meta.Duration;
            sql += meta.SqlDurationMs ?? 0;
            changed |= meta.ChangedDb;
        }
        return last with { Meta = last.Meta with { Changes = changes, Duration = duration, SqlDurationMs = sql, ChangedDb = changed } };
    }
}
