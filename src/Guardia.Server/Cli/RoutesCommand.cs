using System.CommandLine;
using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Matching;
using Guardia.Core.Routing;
using MatchType = Guardia.Core.Matching.MatchType;
using Route = Guardia.Core.Routing.Route;

namespace Guardia.Server.Cli;

/// <summary>The <c>guardia routes</c> verb: prints and tests the routing tree exactly as <c>amtool config routes</c> does.</summary>
public static class RoutesCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config.file") { Description = "Alertmanager configuration file.", Required = true, Recursive = true };
        var cmd = new Command("routes", "Print the routing tree of an Alertmanager configuration.") { config };
        cmd.SetAction(parse => Show(parse.GetValue(config)!, Console.Out, Console.Error));

        var show = new Command("show", "Print the routing tree (the default).");
        show.SetAction(parse => Show(parse.GetValue(config)!, Console.Out, Console.Error));
        cmd.Subcommands.Add(show);

        var verify = new Option<string?>("--verify.receivers") { Description = "Fail unless the labels route to exactly these receivers (comma separated, in tree order)." };
        var tree = new Option<bool>("--tree") { Description = "Print the matching routes as a tree." };
        var labels = new Argument<string[]>("labels") { Description = "Labels of the test alert, as name=value.", Arity = ArgumentArity.ZeroOrMore };
        var test = new Command("test", "Print the receivers an alert with the given labels is routed to.") { verify, tree, labels };
        test.SetAction(parse => Test(parse.GetValue(config)!, parse.GetValue(labels) ?? [], parse.GetValue(verify), parse.GetValue(tree), Console.Out, Console.Error));
        cmd.Subcommands.Add(test);
        return cmd;
    }

    /// <summary>Prints the whole tree; returns the exit code.</summary>
    public static int Show(string configFile, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (!TryLoad(configFile, stderr, out var root))
        {
            return 1;
        }
        stdout.Write(RouteTreePrinter.PrintTree(root));
        return 0;
    }

    /// <summary>Routes a test alert and prints its receivers like <c>amtool config routes test</c>; returns the exit code.</summary>
    public static int Test(string configFile, IReadOnlyList<string> labelArgs, string? expectedReceivers, bool printTree, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(labelArgs);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (!TryLoad(configFile, stderr, out var root))
        {
            return 1;
        }
        var pairs = new List<KeyValuePair<string, string>>(labelArgs.Count);
        foreach (var arg in labelArgs)
        {
            Matcher m;
            try
            {
                m = MatcherParser.ParseMatcher(arg);
            }
            catch (MatcherException ex)
            {
                stderr.WriteLine($"guardia: error: Failed to parse labels: {ex.Message}");
                return 1;
            }
            if (m.Type != MatchType.Equal)
            {
                stderr.WriteLine("guardia: error: Failed to parse labels: labels must be specified as key=value pairs");
                return 1;
            }
            pairs.Add(new(m.Name, m.Value));
        }
        var labels = LabelSet.From(pairs);
        if (printTree)
        {
            stdout.Write(RouteTreePrinter.PrintMatchingTree(root, labels));
        }
        var slug = RouteTreePrinter.ReceiversSlug(root.Match(labels));
        stdout.WriteLine(slug);
        if (!string.IsNullOrEmpty(expectedReceivers) && expectedReceivers != slug)
        {
            stdout.WriteLine("WARNING: Expected receivers did not match resolved receivers.");
            return 1;
        }
        return 0;
    }

    static bool TryLoad(string configFile, TextWriter stderr, out Route root)
    {
        root = null!;
        if (!File.Exists(configFile))
        {
            stderr.WriteLine($"guardia: error: path '{configFile}' does not exist");
            return false;
        }
        try
        {
            var config = AlertmanagerConfigLoader.LoadFile(configFile);
            root = Route.Build(config.Route);
            return true;
        }
        catch (ConfigException ex)
        {
            stderr.WriteLine($"guardia: error: {ex.Describe()}");
            return false;
        }
    }
}
