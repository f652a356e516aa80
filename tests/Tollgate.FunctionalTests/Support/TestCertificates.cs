using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tollgate.FunctionalTests.Support;

/// <summary>Self-signed certificates made in memory for HTTPS backends.</summary>
public static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> LocalhostCertificate = new(Create);

    public static X509Certificate2 Localhost() => LocalhostCertificate.Value;

    private static X509Certificate2 Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
