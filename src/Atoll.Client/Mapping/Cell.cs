namespace Atoll.Client.Mapping;

/// <summary>The cell reader for <typeparamref name="TValue"/>, built once; null when <typeparamref name="TValue"/> is not a cell type.</summary>
internal static class Cell<TValue>
{
    public static readonly CellReader<TValue>? Read = CellReaders.Create<TValue>();
}
