package dev.reauth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The chaos run's reuse figure puts each presentation of a redeemed token on who presented it, and why. */
class ReuseAttributionTest {

    @Test
    void theSecondRefreshersOwnRefusalsAreItsShareAndNoMore() {
        // the provider saw t1 twice (once from each party) and t2 once (from reauth)
        ReuseCount count = ReuseCount.of(List.of("t1", "t2", "t1"), List.of("t1"), token -> false, token -> false);

        assertThat(count.all()).isEqualTo(3);
        assertThat(count.bySecondRefresher()).isEqualTo(1);
        assertThat(count.byReauth()).isEqualTo(2);
        assertThat(count.ownRotation()).isEqualTo(2);
    }

    @Test
    void reauthPresentingTheTokenOfALostAnswerIsHowTheLossShowsNotReauthsFault() {
        ReuseCount count = ReuseCount.of(List.of("lost", "own"), List.of(), "lost"::equals, token -> false);

        assertThat(count.afterLostAnswer()).isEqualTo(1);
        assertThat(count.ownRotation()).isEqualTo(1);
    }

    @Test
    void aTokenTheSecondRefresherSpentIsToldApartFromReauthsOwnRotation() {
        ReuseCount count = ReuseCount.of(
                List.of("spentByProxy", "spentByProxy", "own"), List.of(), token -> false, "spentByProxy"::equals);

        assertThat(count.spentBySecondRefresher()).isEqualTo(2);
        assertThat(count.ownRotation()).isEqualTo(1);
        assertThat(count.bySecondRefresher()).isZero();
    }

    @Test
    void theSecondRefreshersRefusalsThatWereNoReuseTakeNothingFromReauths() {
        // the old figure subtracted every refusal the second refresher met (500s and dropped answers too);
        // only the invalid_grant presentations it recorded are its reuses: a token it never presented is reauth's
        ReuseCount count = ReuseCount.of(List.of("own", "own2"), List.of("elsewhere"), token -> false, token -> false);

        assertThat(count.bySecondRefresher()).isZero();
        assertThat(count.byReauth()).isEqualTo(2);
    }
}
