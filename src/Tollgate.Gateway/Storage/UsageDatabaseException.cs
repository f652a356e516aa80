namespace Tollgate.Gateway.Storage;

/// <summary>Thrown when the usage database cannot be opened or given its tables; the message is the reason.</summary>
internal sealed class UsageDatabaseException(string message, Exception inner) : Exception(message, inner);
