namespace Atoll.Client.Embedded;

/// <summary>Runs synchronous embedded work and hands its outcome back as a completed task, exceptions included.</summary>
internal static class CompletedTasks
{
    public static Task<T> Run<T>(Func<T> work, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<T>(cancellationToken);
        try
        {
            return Task.FromResult(work());
        }
        catch (D1Exception ex)
        {
            return Task.FromException<T>(ex);
        }
        catch (Atoll.Engine.D1Exception ex)
        {
            return Task.FromException<T>(EmbeddedErrors.FromEngine(ex));
        }
    }
}
