package dev.reauth.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenEventTest {

    private static final Instant AT = Instant.parse("2026-11-26T19:36:00.123Z");

    @Test
    void toJson_isTheMessageBody_withoutReason_whenThereIsNone() {
        TokenEvent rotated = new TokenEvent(TokenEvent.TOKENS_ROTATED, "acct-1", "work", 5, AT);

        assertThat(rotated.toJson())
                .isEqualTo("{\"type\":\"account.tokens.rotated\",\"accountId\":\"acct-1\","
                        + "\"accountName\":\"work\",\"tokenVersion\":5,\"occurredAt\":\"2026-11-26T19:36:00.123Z\"}");
    }

    @Test
    void toJson_carriesTheReason_ofAnAccountThatRequiresReauthentication() {
        TokenEvent dead =
                new TokenEvent(TokenEvent.REAUTH_REQUIRED, "acct-1", "work", 5, AT, Optional.of("invalid_grant"));

        assertThat(dead.toJson())
                .endsWith(
                        ",\"tokenVersion\":5,\"occurredAt\":\"2026-11-26T19:36:00.123Z\",\"reason\":\"invalid_grant\"}");
    }

    @Test
    void roundTrip_givesTheSameEvent_withAndWithoutReason() {
        TokenEvent reload = new TokenEvent(TokenEvent.RELOAD_REQUESTED, "acct-1", "n\u00e4me \"quoted\"", 0, AT);
        TokenEvent dead = new TokenEvent(
                TokenEvent.REAUTH_REQUIRED,
                "acct-2",
                "work",
                Long.MAX_VALUE,
                AT,
                Optional.of("scope_missing_inference"));

        assertThat(TokenEvent.parse(reload.toJson())).contains(reload);
        assertThat(TokenEvent.parse(dead.toJson())).contains(dead);
    }

    @Test
    void parse_refusesMessagesThatAreNotTokenEvents() {
        assertThat(TokenEvent.parse("not json")).isEmpty();
        assertThat(TokenEvent.parse("[]")).isEmpty();
        assertThat(TokenEvent.parse("{\"accountId\":\"a\",\"tokenVersion\":1}"))
                .as("no type")
                .isEmpty();
        assertThat(TokenEvent.parse("{\"type\":\"t\",\"accountId\":\" \",\"tokenVersion\":1}"))
                .as("blank id")
                .isEmpty();
        assertThat(TokenEvent.parse("{\"type\":\"t\",\"accountId\":\"a\"}"))
                .as("no version")
                .isEmpty();
        assertThat(TokenEvent.parse("{\"type\":\"t\",\"accountId\":\"a\",\"tokenVersion\":\"1\"}"))
                .as("text version")
                .isEmpty();
        assertThat(TokenEvent.parse("{\"type\":\"t\",\"accountId\":\"a\",\"tokenVersion\":1.5}"))
                .as("fractional version")
                .isEmpty();
    }

    @Test
    void parse_toleratesWhatIsOnlyInformational() {
        Optional<TokenEvent> event =
                TokenEvent.parse("{\"type\":\"account.tokens.rotated\",\"accountId\":\"a\",\"tokenVersion\":3,"
                        + "\"occurredAt\":\"yesterday\",\"future\":{\"field\":[1,2]}}");

        assertThat(event).hasValueSatisfying(e -> {
            assertThat(e.occurredAt()).isEqualTo(Instant.EPOCH);
            assertThat(e.accountName()).isEmpty();
            assertThat(e.reason()).isEmpty();
            assertThat(e.tokenVersion()).isEqualTo(3);
        });
    }
}
