using System.Linq.Expressions;
using System.Reflection;

namespace Atoll.Client.Mapping;

/// <summary>Chooses how rows become a <c>T</c>: a single value, a dictionary, properties set by name, or constructor arguments by name.</summary>
internal static class PlanBuilder
{
    /// <exception cref="InvalidCastException">The type cannot take these columns; the message says why.</exception>
    public static RowPlan<T> Build<T>(string[] columns)
    {
        var type = typeof(T);
        if (Cell<T>.Read is { } read) return new ScalarPlan<T>(columns.Length > 0 ? columns[0] : "?", read);
        if (type != typeof(object) && type.IsAssignableFrom(typeof(Dictionary<string, object?>))) return new DictionaryPlan<T>(columns);
        if (!type.IsValueType && !type.IsAbstract && type.GetConstructor(Type.EmptyTypes) is { } parameterless)
            return BuildProperties<T>(columns, parameterless);
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
        if (constructor is null || constructor.GetParameters().Length == 0) throw MappingErrors.NoConstructor(type);
        return BuildConstructor<T>(columns, constructor);
    }

    static PropertyPlan<T> BuildProperties<T>(string[] columns, ConstructorInfo constructor)
    {
        var properties = new Dictionary<string, PropertyInfo>(StringComparer.Ordinal);
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (property.SetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0)
                properties.TryAdd(MemberNames.Normalize(property.Name), property);
        var bindings = new MemberBinding<T>?[columns.Length];
        for (var i = 0; i < columns.Length; i++)
            if (properties.TryGetValue(MemberNames.Normalize(columns[i]), out var property))
                bindings[i] = MemberBinding<T>.For(property, columns[i]);
        var create = Expression.Lambda<Func<T>>(Expression.New(constructor)).Compile();
        return new PropertyPlan<T>(create, bindings);
    }

    static ConstructorPlan<T> BuildConstructor<T>(string[] columns, ConstructorInfo constructor)
    {
        var parameters = constructor.GetParameters();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var p = 0; p < parameters.Length; p++) positions.TryAdd(MemberNames.Normalize(parameters[p].Name ?? ""), p);
        var bindings = new MemberBinding<object?[]>?[columns.Length];
        var bound = new bool[parameters.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            if (!positions.TryGetValue(MemberNames.Normalize(columns[i]), out var p)) continue;
            var member = $"{typeof(T).Name}({parameters[p].Name}: {MappingErrors.Describe(parameters[p].ParameterType)})";
            bindings[i] = MemberBinding<object?[]>.ForArgument(parameters[p].ParameterType, columns[i], member, p);
            bound[p] = true;
        }
        var defaults = new object?[parameters.Length];
        for (var p = 0; p < parameters.Length; p++)
        {
            var parameter = parameters[p];
            if (parameter.HasDefaultValue) defaults[p] = parameter.DefaultValue ?? Default(parameter.ParameterType);
            else if (!bound[p]) throw MappingErrors.MissingArgument(typeof(T), parameter.Name ?? $"#{p}", columns);
            else defaults[p] = Default(parameter.ParameterType);
        }
        var arguments = Expression.Parameter(typeof(object?[]), "arguments");
        var call = Expression.New(constructor, parameters.Select((parameter, p) =>
            Expression.Convert(Expression.ArrayIndex(arguments, Expression.Constant(p)), parameter.ParameterType)));
        var create = Expression.Lambda<Func<object?[], T>>(call, arguments).Compile();
        return new ConstructorPlan<T>(create, defaults, bindings);
    }

    static object? Default(Type type) => type.IsValueType ? Activator.CreateInstance(type) : null;
}
