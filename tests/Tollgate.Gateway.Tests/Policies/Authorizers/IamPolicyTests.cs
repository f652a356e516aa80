using System.Text.Json;
using Tollgate.Gateway.Policies.Authorizers.Iam;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Policies.Authorizers;

public sealed class IamPolicyTests
{
    private const string Invoke = "execute-api:Invoke";
    private const string OrdersGet = "arn:aws:execute-api:us-east-1:123456789012:orders/live/GET/items/42";

    private static string Doc(params string[] statements) =>
        $$"""{"Version":"2012-10-17","Statement":[{{string.Join(",", statements)}}]}""";

    private static string Stmt(string effect, string actionKey, string action, string resourceKey, string resource) =>
        $$"""{"Effect":"{{effect}}","{{actionKey}}":{{action}},"{{resourceKey}}":{{resource}}}""";

    public static TheoryData<string, string, string, string> Table() => new()
    {
        // Allow, exact and wildcard resources.
        { Doc(Stmt("Allow", "Action", "\"execute-api:Invoke\"", "Resource", $"\"{OrdersGet}\"")), Invoke, OrdersGet, nameof(PolicyDecision.Allow) },
        { Doc(Stmt("Allow", "Action", "\"execute-api:Invoke\"", "Resource", "\"arn:aws:execute-api:*:*:orders/live/GET/*\"")), Invoke, OrdersGet, nameof(PolicyDecision.Allow) },
        { Doc(Stmt("Allow", "Action", "\"execute-api:Invoke\"", "Resource", "\"arn:aws:execute-api:*:*:orders/live/POST/*\"")), Invoke, OrdersGet, nameof(PolicyDecision.ImplicitDeny) },
        { Doc(Stmt("Allow", "Action", "\"execute-api:*\"", "Resource", "\"*\"")), Invoke, OrdersGet, nameof(PolicyDecision.Allow) },
        // '?' is exactly one character.
        { Doc(Stmt("Allow", "Action", "\"execute-api:Invoke\"", "Resource", "\"arn:aws:execute-api:us-east-1:123456789012:orders/live/GET/items/4?\"")), Invoke, OrdersGet, nameof(PolicyDecision.Allow) },
        { Doc(Stmt("Allow", "Action", "\"execute-api:Invoke\"", "Resource", "\"arn:aws:execute-api:us-east-1:123456789012:orders/live/GET/items/?\"")), Invoke, OrdersGet, nameof(PolicyDecision.ImplicitDeny) },
        // '*' spans slashes, and matches the empty string.
        { Doc(Stmt("Allow", "Action", "\"execute-api:Invoke\"", "Resource", "\"arn:aws:execute-api:*:*:orders/*/42\"")), Invoke, OrdersGet, nameof(PolicyDecision.Allow) },
        { Doc(Stmt("Allow", "Action", "\"execute-api:Invoke\"", "Resource", "\"arn:aws:execute-api:*:*:orders/live/GET/items/42*\"")), Invoke, OrdersGet, nameof(PolicyDecision.Allow) },
        // Actions ignore case, resources do not.
        { Doc(Stmt("Allow", "Action", "\"EXECUTE-API:invoke\"", "Resource", "\"*\"")), Invoke, OrdersGet, nameof(PolicyDecision.Allow) },
        { Doc(Stmt("Allow", "Action", "\"Execute-Api:In*\"", "Resource", "\"*\"")), Invoke, OrdersGet, nameof(PolicyDecision.Allow) },
        { Doc(Stmt("Allow", "Action", "\"execute-api:Invoke\"", "Resource", "\"arn:aws:execute-api:*:*:ORDERS/live/GET/*\"")), Invoke, OrdersGet, nameof(PolicyDecision.ImplicitDeny) },
        { Doc(Stmt("Allow", "Action", "\"execute-api:Invoke\"", "Resource", "\"arn:aws:execute-api:*:*:orders/live/get/*\"")), Invoke, OrdersGet, nameof(PolicyDecision.ImplicitDeny) },
        // Explicit deny wins, in any order, even over a broader allow.
        { Doc(Stmt("Allow", "Action", "\"*\"", "Resource", "\"*\""), Stmt("Deny", "Action", "\"execute-api:Invoke\"", "Resource", "\"arn:aws:execute-api:*:*:orders/*\"")), Invoke, OrdersGet, nameof(PolicyDecision.ExplicitDeny) },
        { Doc(Stmt("Deny", "Action", "\"execute-api:Invoke\"", "Resource", "\"arn:aws:execute-api:*:*:orders/*/DELETE/*\""), Stmt("Allow", "Action", "\"*\"", "Resource", "\"*\"")), Invoke, OrdersGet, nameof(PolicyDecision.Allow) },
        // NotAction / NotResource.
        { Doc(Stmt("Allow", "NotAction", "\"execute-api:InvalidateCache\"", "Resource", "\"*\"")), Invoke, OrdersGet, nameof(PolicyDecision.Allow) },
        { Doc(Stmt("Allow", "NotAction", "[\"execute-api:Invoke\"]", "Resource", "\"*\"")), Invoke, OrdersGet, nameof(PolicyDecision.ImplicitDeny) },
        { Doc(Stmt("Allow", "Action", "\"execute-api:Invoke\"", "NotResource", "\"arn:aws:execute-api:*:*:admin/*\"")), Invoke, OrdersGet, nameof(PolicyDecision.Allow) },
        { Doc(Stmt("Allow", "Action", "\"execute-api:Invoke\"", "NotResource", "[\"arn:aws:execute-api:*:*:admin/*\",\"arn:aws:execute-api:*:*:orders/*\"]")), Invoke, OrdersGet, nameof(PolicyDecision.ImplicitDeny) },
        { Doc(Stmt("Allow", "Action", "\"*\"", "Resource", "\"*\""), Stmt("Deny", "Action", "\"*\"", "NotResource", "\"arn:aws:execute-api:*:*:orders/live/*\"")), Invoke, OrdersGet, nameof(PolicyDecision.Allow) },
        // Arrays of actions and resources.
        { Doc(Stmt("Allow", "Action", "[\"s3:GetObject\",\"execute-api:Invoke\"]", "Resource", "[\"arn:aws:s3:::b/*\",\"arn:aws:execute-api:*:*:orders/*\"]")), Invoke, OrdersGet, nameof(PolicyDecision.Allow) },
        // Nothing applies: default deny.
        { Doc(Stmt("Allow", "Action", "\"s3:*\"", "Resource", "\"*\"")), Invoke, OrdersGet, nameof(PolicyDecision.ImplicitDeny) },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Evaluate_PolicyTable_GivesExpectedDecision(string policy, string action, string resource, string expected)
    {
        Assert.Equal(expected, IamPolicy.Parse(policy).Evaluate(action, resource).ToString());
    }

    [Fact]
    public void Evaluate_SingleStatementObject_IsAccepted()
    {
        var policy = IamPolicy.Parse("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}}""");

        Assert.Equal(PolicyDecision.Allow, policy.Evaluate(Invoke, OrdersGet));
    }

    [Fact]
    public void Evaluate_DenyInOnePolicyAllowInAnother_DenyWins()
    {
        ImmutableArrayOf(out var policies,
            Doc(Stmt("Allow", "Action", "\"*\"", "Resource", "\"*\"")),
            Doc(Stmt("Deny", "Action", "\"execute-api:*\"", "Resource", "\"*\"")));

        Assert.Equal(PolicyDecision.ExplicitDeny, IamPolicy.Evaluate(policies, Invoke, OrdersGet));
        Assert.Equal(PolicyDecision.ImplicitDeny, IamPolicy.Evaluate([], Invoke, OrdersGet));
    }

    [Theory]
    [InlineData("""{"Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}""", "Effect must be")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"x","Resource":"*"}]}""", "exactly one of Action and NotAction")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*"}]}""", "exactly one of Resource and NotResource")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{}}]}""", "Condition is not supported")]
    [InlineData("""{"Version":"2013-01-01","Statement":[]}""", "Version must be")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}""", "non-empty array")]
    public void Compile_InvalidPolicy_ReportsEveryProblemWithLocation(string json, string expected)
    {
        using var doc = JsonDocument.Parse(json);
        var bag = new DiagnosticBag();

        var policy = IamPolicy.Compile(doc.RootElement, bag, "principal 'x', policy 0");

        Assert.Null(policy);
        var error = Assert.Single(bag.Items);
        Assert.StartsWith("principal 'x', policy 0", error.Location, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/items/42", "arn:aws:execute-api:eu-west-1:111122223333:orders/live/GET/items/42")]
    [InlineData("/", "arn:aws:execute-api:eu-west-1:111122223333:orders/live/GET/")]
    public void Build_MethodArn_DropsLeadingSlash(string path, string expected)
    {
        Assert.Equal(expected, ExecuteApiArn.Build("eu-west-1", "111122223333", "orders", "live", "GET", path));
    }

    private static void ImmutableArrayOf(out System.Collections.Immutable.ImmutableArray<IamPolicy> policies, params string[] docs) =>
        policies = [.. docs.Select(IamPolicy.Parse)];
}
