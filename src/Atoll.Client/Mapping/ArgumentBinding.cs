using System.Text.Json;

namespace Atoll.Client.Mapping;

/// <summary>Reads one column's cell as a boxed constructor argument.</summary>
internal abstract class ArgumentBinding(string column, string member, int position)
{
    public string Column { get; } = column;

    public string Member { get; } = member;

    /// <summary>The argument's position in the constructor.</summary>
    public int Position { get; } = position;

    public abstract object? Read(ref Utf8JsonReader reader);

    /// <exception cref="InvalidCastException">The parameter's type is not one a cell maps to.</exception>
    public static ArgumentBinding For(Type parameterType, string column, string member, int position)
        => (ArgumentBinding)Activator.CreateInstance(typeof(ArgumentBinding<>).MakeGenericType(parameterType), column, member, position)!;
}
