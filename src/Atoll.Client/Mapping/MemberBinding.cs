using System.Reflection;
using System.Text.Json;

namespace Atoll.Client.Mapping;

/// <summary>Sets one member of a <typeparamref name="T"/> from one column's cell.</summary>
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
}
