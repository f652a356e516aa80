namespace Tollgate.Gateway.Model;

/// <summary>The keys of method settings and plan throttles (<see cref="Stage.MethodSettings"/>).</summary>
internal static class MethodSettingKeys
{
    /// <summary>Key of a method in method settings and plan throttles: <c>/path/METHOD</c> (root: <c>//GET</c>).</summary>
    public static string For(string resourcePath, string httpMethod) => resourcePath + "/" + httpMethod;

    /// <summary>Accepts AWS's patch-path form (<c>~1pets~1{id}/GET</c>) besides <c>/pets/{id}/GET</c>; upper-cases the method.</summary>
    public static string Normalize(string key)
    {
        if (key == "*/*")
        {
            return key;
        }
        key = key.Replace("~1", "/", StringComparison.Ordinal);
        if (key.StartsWith("//", StringComparison.Ordinal) && key.IndexOf('/', 2) > 0)
        {
            key = key[1..]; // "/~1pets/GET": the patch path's own leading slash
        }
        var slash = key.LastIndexOf('/');
        return slash < 0 ? key : key[..(slash + 1)] + key[(slash + 1)..].ToUpperInvariant();
    }
}
