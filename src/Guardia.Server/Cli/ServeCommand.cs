using System.CommandLine;

namespace Guardia.Server.Cli;

/// <summary>The <c>guardia serve</c> verb: hosts the APIs and the background services.</summary>
static class ServeCommand
{
    public static Command Create()
    {
        var listen = new Option<string>("--web.listen-address") { Description = "Address to listen on for the API and UI.", DefaultValueFactory = _ => "127.0.0.1:9093" };
        var storage = new Option<string>("--storage.path") { Description = "Directory for the durable store.", DefaultValueFactory = _ => "./data" };
        var config = new Option<string?>("--config.file") { Description = "Alertmanager configuration file, or Guardia's settings file." };
        var cmd = new Command("serve", "Start the Guardia server.") { listen, storage, config };
        cmd.SetAction(async (parse, ct) =>
        {
            await Task.Yield();
            Console.WriteLine($"listen {parse.GetValue(listen)} storage {parse.GetValue(storage)} config {parse.GetValue(config)}");
            return 0;
        });
        return cmd;
    }
}
