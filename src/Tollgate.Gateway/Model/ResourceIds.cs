namespace Tollgate.Gateway.Model;

/// <summary>Derives API Gateway-looking resource ids (six lower-case alphanumerics) from paths, stable across restarts.</summary>
internal static class ResourceIds
{
    public static string For(string path)
    {
        // FNV-1a: stable across processes, unlike string.GetHashCode.
        var hash = 2166136261u;
        foreach (var c in path)
        {
            hash = (hash ^ c) * 16777619u;
        }
        Span<char> id = stackalloc char[6];
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        for (var i = 0; i < id.Length; i++)
        {
            id[i] = Alphabet[(int)(hash % 36)];
            hash /= 36;
            hash ^= (uint)(i * 2654435761u);
        }
        return new string(id);
    }
}
