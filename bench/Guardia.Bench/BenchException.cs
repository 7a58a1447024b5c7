namespace Guardia.Bench;

/// <summary>A failure the operator can act on; Program prints its message without a stack trace.</summary>
sealed class BenchException(string message, int exitCode = 3) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
