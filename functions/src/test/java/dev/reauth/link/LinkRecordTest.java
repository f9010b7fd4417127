package dev.reauth.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.config.LinkSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LinkRecordTest {

    private static final Instant ISSUED = Instant.parse("2026-11-26T12:00:00Z");
    private static final LinkSettings SETTINGS = new LinkSettings(Optional.empty(), Duration.ofHours(24), 3, 5);

    @Test
    void aFreshLink_isActive_untilItsExpiry() {
        LinkRecord link = link(0, 0, Optional.empty(), true);

        assertThat(link.statusAt(ISSUED.plus(Duration.ofHours(24)).minusMillis(1), SETTINGS))
                .isEqualTo(LinkStatus.ACTIVE);
        assertThat(link.statusAt(ISSUED.plus(Duration.ofHours(24)), SETTINGS)).isEqualTo(LinkStatus.EXPIRED);
    }

    @Test
    void used_winsOverEverythingElse_thenRevoked_thenExpired_thenExhausted() {
        Instant late = ISSUED.plus(Duration.ofDays(2));

        assertThat(link(3, 5, Optional.of(ISSUED), false).statusAt(late, SETTINGS))
                .isEqualTo(LinkStatus.USED);
        assertThat(link(3, 5, Optional.empty(), false).statusAt(late, SETTINGS)).isEqualTo(LinkStatus.REVOKED);
        assertThat(link(3, 5, Optional.empty(), true).statusAt(late, SETTINGS)).isEqualTo(LinkStatus.EXPIRED);
        assertThat(link(3, 0, Optional.empty(), true).statusAt(ISSUED, SETTINGS))
                .isEqualTo(LinkStatus.EXHAUSTED);
        assertThat(link(0, 5, Optional.empty(), true).statusAt(ISSUED, SETTINGS))
                .isEqualTo(LinkStatus.EXHAUSTED);
        assertThat(link(2, 4, Optional.empty(), true).statusAt(ISSUED, SETTINGS))
                .isEqualTo(LinkStatus.ACTIVE);
    }

    private static LinkRecord link(long starts, long completions, Optional<Instant> spentAt, boolean current) {
        return new LinkRecord(
                "hash",
                "id",
                "work",
                ISSUED,
                ISSUED.plus(Duration.ofHours(24)),
                starts,
                completions,
                spentAt,
                current,
                OptionalLong.of(4));
    }
}
