using System.Reflection;
using System.Text.Json;

namespace Atoll.Client.Mapping;

/// <summary>Puts one column's cell into a <typeparamref name="T"/>: a property of the row object, or a constructor argument.</summary>
internal abstract class MemberBinding<T>(string column, string member)
{
    /// <summary>The column's name.</summary>
    public string Column { get; } = column;

    /// <summary>The member, for messages: <c>Post.Published (Boolean)</c>.</summary>
    public string Member { get; } = member;

    public abstract void Read(ref Utf8JsonReader reader, T target);

    /// <exception cref="InvalidCastException">The property's type is not one a cell maps to.</exception>
    public static MemberBinding<T> For(PropertyInfo property, string column)
        => (MemberBinding<T>)Activator.CreateInstance(typeof(PropertyBinding<,>).MakeGenericType(typeof(T), property.PropertyType), column, property)!;

    /// <summary>A binding that puts the cell into slot <paramref name="position"/> of a constructor's arguments.</summary>
    /// <exception cref="InvalidCastException">The parameter's type is not one a cell maps to.</exception>
    public static MemberBinding<object?[]> ForArgument(Type parameterType, string column, string member, int position)
        => (MemberBinding<object?[]>)Activator.CreateInstance(typeof(ArgumentBinding<>).MakeGenericType(parameterType), column, member, position)!;
}
