namespace Atoll.Client.Mapping;

/// <summary>Rows to a type built through its constructor (positional records): each parameter takes the column of the same name.</summary>
internal sealed class ConstructorPlan<T>(Func<object?[], T> create, object?[] defaults, MemberBinding<object?[]>?[] bindings)
    : BindingPlan<T, object?[]>(bindings)
{
    protected override object?[] Start() => (object?[])defaults.Clone();

    protected override T Finish(object?[] arguments) => create(arguments);
}
