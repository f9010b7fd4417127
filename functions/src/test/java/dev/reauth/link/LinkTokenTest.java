package dev.reauth.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LinkTokenTest {

    @Test
    void generate_gives256RandomBits_asBase64url_andNoTwoAlike() {
        SecureRandom random = new SecureRandom();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String value = LinkToken.generate(random).value();
            assertThat(value).matches("[A-Za-z0-9_-]{43}");
            assertThat(Base64.getUrlDecoder().decode(value)).hasSize(32);
            seen.add(value);
        }
        assertThat(seen).hasSize(1000);
    }

    @Test
    void hash_isTheBase64urlSha256OfTheValue() throws Exception {
        LinkToken token = LinkToken.generate(new SecureRandom());
        byte[] digest =
                MessageDigest.getInstance("SHA-256").digest(token.value().getBytes(StandardCharsets.US_ASCII));

        assertThat(token.hash())
                .isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(digest))
                .isNotEqualTo(token.value());
    }

    @Test
    void parse_acceptsOnlyTheShapeOfAToken() {
        String valid = LinkToken.generate(new SecureRandom()).value();

        assertThat(LinkToken.parse(valid)).get().extracting(LinkToken::value).isEqualTo(valid);
        assertThat(LinkToken.parse(null)).isEmpty();
        assertThat(LinkToken.parse(valid.substring(1))).isEmpty();
        assertThat(LinkToken.parse(valid + "A")).isEmpty();
        assertThat(LinkToken.parse(valid.substring(1) + "/")).isEmpty();
        assertThat(LinkToken.parse(valid.substring(1) + "=")).isEmpty();
    }

    @Test
    void toString_neverShowsTheValue() {
        LinkToken token = LinkToken.generate(new SecureRandom());

        assertThat(token.toString()).doesNotContain(token.value()).isEqualTo("LinkToken[***]");
        assertThat(new IssuedLink("id", "work", "https://w/r/" + token.value(), Instant.EPOCH).toString())
                .doesNotContain(token.value());
    }
}
