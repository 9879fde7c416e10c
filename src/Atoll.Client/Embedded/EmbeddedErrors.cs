namespace Atoll.Client.Embedded;

/// <summary>The embedded data directory's failures, worded and coded as the Atoll server words and codes them.</summary>
internal static class EmbeddedErrors
{
    public static D1Exception NotFound() => new(D1ErrorCodes.Error, "Not Found", 7404);

    public static D1Exception Duplicate() => new(D1ErrorCodes.Error, "A database with that name already exists", 7502);

    public static D1Exception BadName() => new(D1ErrorCodes.Error, Atoll.Engine.DatabaseName.Rule, 7400);

    public static D1Exception FromEngine(Atoll.Engine.D1Exception error)
        => new(D1ErrorCodes.Error, error.Message, (int)error.Code, error.IsTransient, error);
}
