using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Config;

/// <summary>What a feature's section reader needs besides the config object.</summary>
/// <param name="Directory">The config file's directory; relative paths resolve against it.</param>
/// <param name="Diagnostics">Where problems go.</param>
/// <param name="Sources">Files read, for the reload watcher; add any file a section reads.</param>
internal sealed record SectionContext(string Directory, DiagnosticBag Diagnostics, List<string> Sources);
