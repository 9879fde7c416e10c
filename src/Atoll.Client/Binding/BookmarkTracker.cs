namespace Atoll.Client.Binding;

/// <summary>A session's position: its starting constraint, then the newest bookmark seen (older ones arriving late are ignored, as in D1).</summary>
internal sealed class BookmarkTracker
{
    const string FirstPrimary = "first-primary";
    const string FirstUnconstrained = "first-unconstrained";
    readonly Lock _gate = new();
    string _current;
    bool _isConstraint;

    public BookmarkTracker(string? constraintOrBookmark)
    {
        var value = constraintOrBookmark?.Trim();
        _current = string.IsNullOrEmpty(value) ? FirstUnconstrained : value;
        _isConstraint = _current is FirstPrimary or FirstUnconstrained;
    }

    /// <summary>The latest bookmark, or null while the session still only has its constraint.</summary>
    public string? Bookmark
    {
        get
        {
            lock (_gate) return _isConstraint ? null : _current;
        }
    }

    /// <summary>What the next query sends: the constraint until a bookmark arrives, then the newest bookmark.</summary>
    public string Current
    {
        get
        {
            lock (_gate) return _current;
        }
    }

    /// <summary>Takes <paramref name="bookmark"/> if it is newer; bookmarks are fixed-width hex, so ordinal order is commit order.</summary>
    public void Observe(string? bookmark)
    {
        if (string.IsNullOrEmpty(bookmark)) return;
        lock (_gate)
        {
            if (!_isConstraint && string.CompareOrdinal(_current, bookmark) >= 0) return;
            _current = bookmark;
            _isConstraint = false;
        }
    }
}
