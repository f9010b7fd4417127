package dev.reauth.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

/** The caIssuers URL is read from real certificates (AWS's) and from the test CA's. */
class AuthorityInformationAccessTest {

    @Test
    void realSnsCertificate_publishesItsIssuerAtAmazonTrustServices() throws Exception {
        assertThat(AuthorityInformationAccess.caIssuers(
                        aws("SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem")))
                .containsExactly(URI.create("http://crt.r2m01.amazontrust.com/r2m01.cer"));
        assertThat(AuthorityInformationAccess.caIssuers(aws("amazon-rsa-2048-m01.pem")))
                .containsExactly(URI.create("http://crt.rootca1.amazontrust.com/rootca1.cer"));
    }

    @Test
    void testCaLeaf_withAndWithoutTheExtension() {
        TestCa ca = new TestCa("aia test CA");
        URI url = URI.create("http://crt.ca.test/issuer.cer");

        assertThat(AuthorityInformationAccess.caIssuers(
                        ca.leaf(TestCa.rsa()).caIssuers(url).issue()))
                .containsExactly(url);
        assertThat(AuthorityInformationAccess.caIssuers(ca.leaf(TestCa.rsa()).issue()))
                .isEmpty();
    }

    private static X509Certificate aws(String name) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(SnsMessages.awsFixture(name)));
    }
}
