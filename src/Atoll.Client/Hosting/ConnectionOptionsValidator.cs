using Microsoft.Extensions.Options;

namespace Atoll.Client.Hosting;

/// <summary>Validates named connection options with <see cref="AtollConnectionOptions.Validate"/>, naming each setting by its configuration path.</summary>
internal sealed class ConnectionOptionsValidator<TOptions>(Func<string?, string> pathOf) : IValidateOptions<TOptions>
    where TOptions : AtollConnectionOptions
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var problems = options.Validate(pathOf(name));
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
