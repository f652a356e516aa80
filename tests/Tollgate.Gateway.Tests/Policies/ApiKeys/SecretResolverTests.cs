using Tollgate.Gateway.Model;
using Tollgate.Gateway.Policies.ApiKeys;
using Tollgate.Gateway.Tests.Storage;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Policies.ApiKeys;

public sealed class SecretResolverTests
{
    [Fact]
    public void Resolve_EnvSet_ReturnsValue()
    {
        var bag = new DiagnosticBag();
        var value = SecretResolver.Resolve(new SecretReference { Env = "KEY_A" }, "/", "API key 'a', valueFrom", bag,
            name => name == "KEY_A" ? "secret-from-env" : null);
        Assert.Equal("secret-from-env", value);
        Assert.Empty(bag.Items);
    }

    [Fact]
    public void Resolve_EnvMissing_ReportsErrorNamingTheVariable()
    {
        var bag = new DiagnosticBag();
        Assert.Null(SecretResolver.Resolve(new SecretReference { Env = "KEY_A" }, "/", "API key 'a', valueFrom", bag, _ => null));
        Assert.Equal("error: API key 'a', valueFrom: environment variable 'KEY_A' is not set or empty.", bag.Items.Single().ToString());
    }

    [Fact]
    public void Resolve_RelativeFile_ReadsBesideTheConfigAndTrims()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("secrets"));
        File.WriteAllText(dir.File("secrets/a.key"), "  secret-from-file\n");
        var bag = new DiagnosticBag();
        Assert.Equal("secret-from-file", SecretResolver.Resolve(new SecretReference { File = "secrets/a.key" }, dir.Path, "k", bag));
        Assert.Empty(bag.Items);
    }

    [Fact]
    public void Resolve_MissingFileOrBothOrNeither_ReportsErrors()
    {
        using var dir = new TempDirectory();
        var bag = new DiagnosticBag();
        Assert.Null(SecretResolver.Resolve(new SecretReference { File = "nope.key" }, dir.Path, "k", bag));
        Assert.Null(SecretResolver.Resolve(new SecretReference { File = "x", Env = "Y" }, dir.Path, "k", bag));
        Assert.Null(SecretResolver.Resolve(new SecretReference(), dir.Path, "k", bag));
        Assert.Equal(3, bag.Items.Count);
        Assert.StartsWith("error: k: cannot read file '", bag.Items[0].ToString(), StringComparison.Ordinal);
        Assert.Equal("error: k: give exactly one of 'env' and 'file'.", bag.Items[1].ToString());
    }
}
