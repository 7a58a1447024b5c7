using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Guardia.IntegrationTests.Infrastructure;

/// <summary>
/// A small SMTP server on 127.0.0.1 that captures messages: EHLO/HELO, AUTH PLAIN and LOGIN (any credentials),
/// MAIL, RCPT, DATA (dot-unstuffed), RSET, NOOP, QUIT. No STARTTLS: senders must not require TLS.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    readonly TcpListener _listener;
    readonly CancellationTokenSource _stop = new();
    readonly List<Message> _messages = [];
    readonly Task _loop;

    public sealed record Message(string MailFrom, IReadOnlyList<string> RcptTo, string Data, string? AuthUser);

    SmtpSink()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Smarthost => $"127.0.0.1:{Port}";

    public static SmtpSink Start() => new();

    public IReadOnlyList<Message> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>Waits until a message for <paramref name="rcpt"/> arrived.</summary>
    public async Task<Message> WaitForAsync(string rcpt, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var m = Messages.FirstOrDefault(m => m.RcptTo.Contains(rcpt, StringComparer.OrdinalIgnoreCase));
            if (m is not null)
            {
                return m;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"no message for {rcpt} within {timeout}; got {Messages.Count} message(s)");
    }

    async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, new UTF8Encoding(false));
            using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 sink ESMTP ready");
            string? from = null;
            var rcpt = new List<string>();
            string? user = null;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                var arg = line.Length > verb.Length ? line[(verb.Length + 1)..] : string.Empty;
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteAsync("250-sink\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n");
                        break;
                    case "HELO":
                        await writer.WriteLineAsync("250 sink");
                        break;
                    case "AUTH":
                        user = await AuthAsync(arg, reader, writer);
                        break;
                    case "MAIL":
                        from = Address(arg);
                        rcpt.Clear();
                        await writer.WriteLineAsync("250 2.1.0 ok");
                        break;
                    case "RCPT":
                        rcpt.Add(Address(arg));
                        await writer.WriteLineAsync("250 2.1.5 ok");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(_stop.Token) is { } d && d != ".")
                        {
                            data.Append(d.StartsWith('.') ? d[1..] : d).Append("\r\n");
                        }
                        lock (_messages)
                        {
                            _messages.Add(new Message(from ?? string.Empty, [.. rcpt], data.ToString(), user));
                        }
                        await writer.WriteLineAsync("250 2.0.0 queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 2.0.0 bye");
                        return;
                    default:
                        await writer.WriteLineAsync("250 ok");
                        break;
                }
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (IOException)
        {
            // The client went away.
        }
    }

    static async Task<string?> AuthAsync(string arg, StreamReader reader, StreamWriter writer)
    {
        var parts = arg.Split(' ', 2);
        string? user = null;
        if (parts[0].Equals("PLAIN", StringComparison.OrdinalIgnoreCase))
        {
            var payload = parts.Length > 1 ? parts[1] : null;
            if (payload is null)
            {
                await writer.WriteLineAsync("334 ");
                payload = await reader.ReadLineAsync();
            }
            var fields = Encoding.UTF8.GetString(Convert.FromBase64String(payload ?? string.Empty)).Split('\0');
            user = fields.Length > 1 ? fields[1] : null;
        }
        else
        {
            await writer.WriteLineAsync("334 VXNlcm5hbWU6");
            user = Encoding.UTF8.GetString(Convert.FromBase64String(await reader.ReadLineAsync() ?? string.Empty));
            await writer.WriteLineAsync("334 UGFzc3dvcmQ6");
            await reader.ReadLineAsync();
        }
        await writer.WriteLineAsync("235 2.7.0 authenticated");
        return user;
    }

    static string Address(string arg)
    {
        var start = arg.IndexOf('<', StringComparison.Ordinal);
        var end = arg.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? arg[(start + 1)..end] : arg;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        _stop.Dispose();
    }
}
