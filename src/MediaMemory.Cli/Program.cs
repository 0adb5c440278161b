using System.CommandLine;
var root = new RootCommand("mediamem");
var json = new Option<bool>("--json") { Description = "JSON" };
root.Options.Add(json);
root.SetAction(pr => { Console.WriteLine(pr.GetValue(json)); return 0; });
return root.Parse(args).Invoke();
