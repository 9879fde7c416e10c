namespace Atoll.Client.Mapping;

/// <summary>Rows to a class with a parameterless constructor: each column sets the property of the same name; other columns are ignored.</summary>
internal sealed class PropertyPlan<T>(Func<T> create, MemberBinding<T>?[] bindings) : BindingPlan<T, T>(bindings)
{
    protected override T Start() => create();

    protected override T Finish(T target) => target;
}
