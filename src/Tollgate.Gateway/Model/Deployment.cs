using System.Collections.Immutable;

namespace Tollgate.Gateway.Model;

/// <summary>
/// A deployment: an immutable snapshot of an API's definition (resources, methods, integrations,
/// authorizers, models, validators, gateway responses, binary media types and the other API-level
/// settings), which stages serve. Editing an API changes its working definition only; a stage keeps
/// serving the deployment it points at until it is pointed at another (API Gateway's redeploy).
/// </summary>
/// <remarks>
/// A file source has no deployments of its own: a stage with no <see cref="Stage.DeploymentId"/>
/// serves the API as written, through an implicit deployment (<see cref="Implicit"/>), so editing
/// the file and reloading deploys it, as before. The store behind the management API lists
/// deployments in <see cref="Api.Deployments"/> and points stages at them by id.
/// </remarks>
public sealed record Deployment
{
    /// <summary>The deployment id (AWS: six lower-case alphanumerics); <c>$context.deploymentId</c>.</summary>
    public required string Id { get; init; }

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>When the deployment was created; null for the implicit deployments of file sources.</summary>
    public DateTimeOffset? CreatedDate { get; init; }

    /// <summary>
    /// The API definition as deployed: an <see cref="Api"/> whose <see cref="Api.Stages"/> and
    /// <see cref="Api.Deployments"/> are empty (stages and deployments are not part of a definition).
    /// </summary>
    public required Api Definition { get; init; }

    /// <summary>
    /// The deployment a stage without a <see cref="Stage.DeploymentId"/> serves: the API as written,
    /// under an id derived from the API and stage (<c>$context.deploymentId</c> is stable across
    /// restarts and reloads). Stages of one API get different ids but the same definition, which is
    /// compiled once.
    /// </summary>
    public static Deployment Implicit(Api api, Stage stage) => new()
    {
        Id = ImplicitId(api.Id, stage.StageName),
        Definition = DefinitionOf(api),
    };

    /// <summary>The id of <see cref="Implicit"/>: six lower-case alphanumerics from the API id and stage name.</summary>
    public static string ImplicitId(string apiId, string stageName) =>
        ResourceIds.For("deployment " + apiId + "/" + stageName);

    /// <summary>
    /// The deployment a stage serves: the one its <see cref="Stage.DeploymentId"/> names, or the
    /// implicit one when it names none; null when the id is not among <see cref="Api.Deployments"/>.
    /// </summary>
    public static Deployment? Served(Api api, Stage stage)
    {
        if (stage.DeploymentId is not { } id)
        {
            return Implicit(api, stage);
        }
        foreach (var deployment in api.Deployments)
        {
            if (deployment.Id == id)
            {
                return deployment;
            }
        }
        return null;
    }

    /// <summary>The API's definition: the API without its stages and deployments.</summary>
    public static Api DefinitionOf(Api api) =>
        api.Stages.IsEmpty && api.Deployments.IsEmpty ? api : api with { Stages = [], Deployments = [] };
}
