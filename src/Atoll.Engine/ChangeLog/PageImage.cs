namespace Atoll.Engine.ChangeLog;

/// <summary>The full contents of one database page after a commit.</summary>
internal readonly record struct PageImage(uint Number, byte[] Data);
