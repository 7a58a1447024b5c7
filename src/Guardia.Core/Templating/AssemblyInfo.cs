using System.Runtime.CompilerServices;

// The lexer and parser are internal; their unit tests read tokens and trees directly.
[assembly: InternalsVisibleTo("Guardia.Core.Tests")]
