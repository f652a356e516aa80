using System.Collections.Immutable;
using Tollgate.Gateway.Forwarding;

namespace Tollgate.Gateway.Upstreams;

/// <summary>
/// The set of destinations an integration forwards to, with the policy that picks one per
/// request. The integration composes the request's URI (path, query, placeholders filled); the
/// group decides which destination serves it. Today every integration has one URI
/// (<see cref="SingleDestination"/>); balanced groups with health checks fill in the same seam.
/// </summary>
internal interface ITargetGroup
{
    /// <summary>The destination for a request to <paramref name="target"/>; null when none can take it.</summary>
    Destination? Pick(Uri target);
}

/// <summary>Chooses one member of a group for a request (round robin, least requests, ...).</summary>
internal interface IDestinationPicker
{
    /// <summary>The index of the member to use, or -1 when none is available.</summary>
    int Pick(ImmutableArray<Destination> members);
}

/// <summary>An integration URI: the request goes where its composed URI says, by the client for its scheme.</summary>
internal sealed class SingleDestination(OutboundClients clients, bool insecureSkipVerification) : ITargetGroup
{
    public Destination? Pick(Uri target) => new Destination(target, clients.For(target, insecureSkipVerification));
}

/// <summary>
/// Several members behind one name: the picker chooses a member, and the request keeps its path
/// and query with the member's scheme and authority (as a load balancer's target group sends the
/// request's own path to whichever target it picked).
/// </summary>
internal sealed class TargetGroup(ImmutableArray<Destination> members, IDestinationPicker picker) : ITargetGroup
{
    public ImmutableArray<Destination> Members { get; } = members;

    public Destination? Pick(Uri target)
    {
        var index = picker.Pick(Members);
        if ((uint)index >= (uint)Members.Length)
        {
            return null;
        }
        var member = Members[index];
        var text = member.Address.GetLeftPart(UriPartial.Authority) + target.PathAndQuery;
        return new Destination(UpstreamTarget.WithQuery(text), member.Client);
    }
}
