namespace Tollgate.Gateway.Tests.Support;

/// <summary>
/// A python3 script that signs requests with botocore's SigV4Auth / SigV4QueryAuth: a JSON array of
/// cases on standard input (method, url, body, headers, key, secret, token?, region?, presign?,
/// expires?, unsigned?), a JSON array of signed {url, headers} on standard output.
/// Shared by the unit and functional tests so both sign exactly alike.
/// </summary>
internal static class BotocoreScript
{
    public const string Signer = """
        import sys, json
        from botocore.auth import SigV4Auth, SigV4QueryAuth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        out = []
        for c in json.load(sys.stdin):
            creds = Credentials(c['key'], c['secret'], c.get('token'))
            req = AWSRequest(method=c['method'], url=c['url'], data=c['body'].encode('utf-8'), headers=c['headers'])
            if c.get('unsigned'):
                req.context['payload_signing_enabled'] = False
            region = c.get('region', 'us-east-1')
            if c.get('presign'):
                SigV4QueryAuth(creds, 'execute-api', region, expires=c.get('expires', 900)).add_auth(req)
            else:
                SigV4Auth(creds, 'execute-api', region).add_auth(req)
            p = req.prepare()
            out.append({'url': p.url, 'headers': [[k, v] for k, v in p.headers.items()]})
        print(json.dumps(out))
        """;
}
