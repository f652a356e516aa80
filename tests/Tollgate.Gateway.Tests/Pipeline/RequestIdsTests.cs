using System.Text.RegularExpressions;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Tests.Pipeline;

public sealed class RequestIdsTests
{
    [Fact]
    public void New_Always_IsALowerCaseVersion4Uuid()
    {
        for (var i = 0; i < 1000; i++)
        {
            var id = RequestIds.New();

            Assert.Matches(new Regex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"), id);
        }
    }

    [Fact]
    public void New_ManyCalls_NeverRepeats()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 100_000; i++)
        {
            Assert.True(seen.Add(RequestIds.New()));
        }
    }
}
