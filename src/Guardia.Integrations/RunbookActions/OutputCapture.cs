using System.Security.Cryptography;
using System.Text;

namespace Guardia.Integrations.RunbookActions;

/// <summary>Collects a step's output: keeps the first bytes up to a limit, hashes all of them. Thread-safe, because
/// stdout and stderr are read concurrently into one stream of text.</summary>
sealed class OutputCapture : IDisposable
{
    readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    readonly MemoryStream _kept = new();
    readonly int _limit;
    readonly int _keep;
    readonly Lock _lock = new();
    long _total;

    /// <param name="limit">Bytes shown.</param>
    /// <param name="slack">Extra bytes kept past the limit so a secret straddling it is still redacted whole.</param>
    public OutputCapture(int limit, int slack)
    {
        _limit = limit;
        _keep = limit + Math.Max(0, slack) * 4;
    }

    public long TotalBytes
    {
        get
        {
            lock (_lock)
            {
                return _total;
            }
        }
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            _hash.AppendData(data);
            _total += data.Length;
            var room = _keep - (int)_kept.Length;
            if (room > 0)
            {
                _kept.Write(data[..Math.Min(room, data.Length)]);
            }
        }
    }

    public void Append(string text) => Append(Encoding.UTF8.GetBytes(text));

    /// <summary>The redacted output cut at the limit, whether anything was cut, and the digest of everything.</summary>
    public (string Output, bool Truncated, string Sha256) Finish(Redactor redactor)
    {
        lock (_lock)
        {
            var text = redactor.Redact(Encoding.UTF8.GetString(_kept.GetBuffer(), 0, (int)_kept.Length));
            var truncated = _total > _limit;
            if (truncated)
            {
                // Cut the redacted text, so a secret at the edge is gone before the cut, never half shown.
                var bytes = Encoding.UTF8.GetBytes(text);
                text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, _limit)).TrimEnd('\uFFFD');
            }
            var sha = Convert.ToHexStringLower(_hash.GetCurrentHash());
            return (text, truncated, sha);
        }
    }

    public void Dispose()
    {
        _hash.Dispose();
        _kept.Dispose();
    }
}
