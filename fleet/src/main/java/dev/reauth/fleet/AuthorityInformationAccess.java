package dev.reauth.fleet;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the caIssuers URLs of a certificate's Authority Information Access extension (RFC 5280
 * §4.2.2.1): where its issuer's certificate is published. The JDK exposes the extension only as DER,
 * so this walks the few DER elements involved; anything unexpected reads as "no URL".
 */
final class AuthorityInformationAccess {

    private static final String EXTENSION_OID = "1.3.6.1.5.5.7.1.1";
    /** id-ad-caIssuers, 1.3.6.1.5.5.7.48.2, as DER content octets. */
    private static final byte[] CA_ISSUERS = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02};

    private static final int OCTET_STRING = 0x04;
    private static final int SEQUENCE = 0x30;
    private static final int OID = 0x06;
    /** GeneralName uniformResourceIdentifier: [6] IMPLICIT IA5String. */
    private static final int URI_NAME = 0x86;

    private AuthorityInformationAccess() {}

    static List<URI> caIssuers(X509Certificate certificate) {
        byte[] der = certificate.getExtensionValue(EXTENSION_OID);
        if (der == null) {
            return List.of();
        }
        List<URI> urls = new ArrayList<>();
        try {
            Element wrapper = Element.at(der, 0, der.length, OCTET_STRING);
            Element descriptions = Element.at(der, wrapper.start, wrapper.end, SEQUENCE);
            for (int at = descriptions.start; at < descriptions.end; ) {
                Element description = Element.at(der, at, descriptions.end, SEQUENCE);
                at = description.end;
                Element method = Element.at(der, description.start, description.end, OID);
                Element location = Element.at(der, method.end, description.end, -1);
                if (location.tag == URI_NAME
                        && Arrays.equals(der, method.start, method.end, CA_ISSUERS, 0, CA_ISSUERS.length)) {
                    urls.add(new URI(
                            new String(der, location.start, location.end - location.start, StandardCharsets.US_ASCII)));
                }
            }
        } catch (IllegalArgumentException | URISyntaxException malformed) {
            return List.of();
        }
        return urls;
    }

    /** One DER element: its tag and where its content starts and ends in the buffer. */
    private record Element(int tag, int start, int end) {

        static Element at(byte[] der, int offset, int limit, int expectedTag) {
            if (offset + 2 > limit) {
                throw new IllegalArgumentException("truncated");
            }
            int tag = der[offset] & 0xFF;
            int length = der[offset + 1] & 0xFF;
            int start = offset + 2;
            if (length > 0x7F) {
                int octets = length & 0x7F;
                if (octets == 0 || octets > 3 || start + octets > limit) {
                    throw new IllegalArgumentException("bad length");
                }
                length = 0;
                for (int i = 0; i < octets; i++) {
                    length = (length << 8) | (der[start + i] & 0xFF);
                }
                start += octets;
            }
            if (start + length > limit || (expectedTag >= 0 && tag != expectedTag)) {
                throw new IllegalArgumentException("unexpected element");
            }
            return new Element(tag, start, start + length);
        }
    }
}
