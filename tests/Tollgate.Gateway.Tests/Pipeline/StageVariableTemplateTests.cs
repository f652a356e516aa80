using System.Collections.Immutable;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Tests.Pipeline;

public sealed class StageVariableTemplateTests
{
    private static readonly ImmutableDictionary<string, string> Variables =
        ImmutableDictionary<string, string>.Empty.Add("host", "api.example.com").Add("alias", "live").Add("v_2", "two");

    [Theory]
    [InlineData("http://${stageVariables.host}/pets")]
    [InlineData("${stageVariables.host}")]
    [InlineData("https://b/${stageVariables.alias}${stageVariables.v_2}?q=${stageVariables.host}")]
    [InlineData("http://b/{id}/x")]
    [InlineData("no placeholders at all")]
    [InlineData("$5 and {braces} and $ {")]
    public void Parse_ValidText_ParsesAndKeepsTheText(string text)
    {
        var template = StageVariableTemplate.Parse(text, out var error);
        Assert.Null(error);
        Assert.NotNull(template);
        Assert.Equal(text, template.Text);
    }

    [Theory]
    [InlineData("http://${host}/")]
    [InlineData("http://${stageVariables.my-host}/")]
    [InlineData("http://${stageVariables.}/")]
    [InlineData("http://${stageVariables.host/")]
    [InlineData("http://${stagevariables.host}/")]
    [InlineData("${")]
    public void Parse_BadPlaceholder_IsAnErrorSayingTheRule(string text)
    {
        Assert.Null(StageVariableTemplate.Parse(text, out var error));
        Assert.Equal("a placeholder starting '${' must be '${stageVariables.name}' with a name of letters, digits and '_'", error);
    }

    [Fact]
    public void Parse_SplitsIntoLiteralAndVariableSegments()
    {
        var template = StageVariableTemplate.Parse("http://${stageVariables.host}/v1/${stageVariables.alias}", out _)!;
        Assert.True(template.HasVariables);
        Assert.Equal(
            [new("http://", false), new("host", true), new("/v1/", false), new("alias", true)],
            template.Segments.ToArray());
    }

    [Fact]
    public void Render_DefinedVariables_AreSubstituted()
    {
        var template = StageVariableTemplate.Parse("https://${stageVariables.host}/f:${stageVariables.alias}/${stageVariables.v_2}", out _)!;
        Assert.Equal("https://api.example.com/f:live/two", template.Render(Variables, out var undefined));
        Assert.Null(undefined);
    }

    [Fact]
    public void Render_NoPlaceholders_GivesTheTextItself()
    {
        var template = StageVariableTemplate.Parse("http://b/x", out _)!;
        Assert.False(template.HasVariables);
        Assert.Same(template.Text, template.Render(Variables, out _));
    }

    [Fact]
    public void Render_UndefinedVariable_RendersEmptyAndIsNamed()
    {
        // API Gateway's rule, the same for every place a ${stageVariables.x} is read.
        var template = StageVariableTemplate.Parse("http://b/${stageVariables.missing}/x/${stageVariables.alias}/${stageVariables.other}", out _)!;
        Assert.Equal("http://b//x/live/", template.Render(Variables, out var undefined));
        Assert.Equal("missing", undefined);
    }

    [Fact]
    public void Render_NoStage_EveryVariableIsUndefined()
    {
        var template = StageVariableTemplate.Parse("${stageVariables.host}/x", out _)!;
        Assert.Equal("/x", template.Render(null, out var undefined));
        Assert.Equal("host", undefined);
    }

    [Fact]
    public void UndefinedNote_NamesVariableAndStage() =>
        Assert.Equal("stage variable 'backend' is not defined on stage 'live' and was rendered empty", StageVariableTemplate.UndefinedNote("backend", "live"));
}
