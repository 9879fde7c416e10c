namespace Atoll.Client.Admin;

/// <summary>What a Time Travel restore did: the new state's bookmark, and the one to restore to undo it.</summary>
/// <param name="Bookmark">The bookmark of the restored state.</param>
/// <param name="PreviousBookmark">The bookmark just before the restore (restore to it to undo).</param>
/// <param name="Message">The server's message.</param>
public sealed record RestoreResult(string Bookmark, string PreviousBookmark, string Message);
