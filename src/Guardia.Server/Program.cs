using System.CommandLine;
using Guardia.Server.Cli;

var root = new RootCommand("Guardia: incident response that speaks Alertmanager's API.");
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(CheckCommand.Create());
root.Subcommands.Add(RoutesCommand.Create());
root.Subcommands.Add(TemplateCommand.Create());
root.Subcommands.Add(NotificationsCommand.Create());
root.Subcommands.Add(TokenCommand.Create());
root.Subcommands.Add(AuditCommand.Create());
root.Subcommands.Add(RunbookCommand.Create());
root.Subcommands.Add(IncidentCommand.Create());
root.Subcommands.Add(IncidentCommand.OnCall());
return await root.Parse(args).InvokeAsync();
