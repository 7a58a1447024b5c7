using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Guardia.Core.Audit;

/// <summary>The hash that links each audit event to the one before it.</summary>
public static class AuditChain
{
    /// <summary>The previous hash of the first event: 64 zeros.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>SHA-256 (lower-case hex) of the previous hash and the event's fields in a canonical encoding: a version
    /// tag, then each field as its 4-byte big-endian UTF-8 length and its bytes (so no field can run into the next),
    /// the time as Unix milliseconds.</summary>
    public static string ComputeHash(string previousHash, long sequence, DateTimeOffset at, string actor, string kind, string target, string details)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, "guardia-audit-v1");
        Append(hash, previousHash);
        Append(hash, sequence.ToString(CultureInfo.InvariantCulture));
        Append(hash, at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Append(hash, actor);
        Append(hash, kind);
        Append(hash, target);
        Append(hash, details);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The hash <paramref name="e"/> should have given its own fields.</summary>
    public static string ComputeHash(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return ComputeHash(e.PreviousHash, e.Sequence, e.At, e.Actor, e.Kind, e.Target, e.Details);
    }

    /// <summary>Turns <paramref name="entry"/> into the event that follows <paramref name="head"/> (null: the first event).</summary>
    public static AuditEvent Next(AuditHead? head, AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var sequence = (head?.Sequence ?? 0) + 1;
        var previous = head?.Hash ?? Genesis;
        // Stored to the millisecond, so hash what will be read back.
        var at = DateTimeOffset.FromUnixTimeMilliseconds(entry.At.ToUnixTimeMilliseconds());
        return new AuditEvent
        {
            Sequence = sequence,
            At = at,
            Actor = entry.Actor,
            Kind = entry.Kind,
            Target = entry.Target,
            Details = entry.Details,
            PreviousHash = previous,
            Hash = ComputeHash(previous, sequence, at, entry.Actor, entry.Kind, entry.Target, entry.Details),
        };
    }

    static void Append(IncrementalHash hash, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
