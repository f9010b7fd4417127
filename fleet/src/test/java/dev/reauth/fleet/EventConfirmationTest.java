package dev.reauth.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.wire.TokenEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the accounts table must say before an event is believed. */
class EventConfirmationTest {

    private final FakeAccounts table = new FakeAccounts();
    private final EventConfirmation confirmation = new EventConfirmation(table, Duration.ZERO);

    @Test
    void anEventTheTableBacks_isConfirmed_withWhatTheTableSays() {
        // GIVEN
        table.put("id-a", 4, "token", Instant.now().plus(Duration.ofHours(1)));
        table.names.put("id-a", "work");

        // WHEN
        EventConfirmation.Verdict verdict = confirmation.confirm(event(TokenEvent.TOKENS_ROTATED, "id-a", "work", 4));

        // THEN
        assertThat(verdict)
                .isEqualTo(new EventConfirmation.Confirmed(new AccountFacts("id-a", "work", 4, false, false)));
    }

    @Test
    void anOlderVersion_isConfirmed_soALateMessageStaysHarmless() {
        table.put("id-a", 4, "token", Instant.now().plus(Duration.ofHours(1)));
        table.names.put("id-a", "work");

        assertThat(confirmation.confirm(event(TokenEvent.TOKENS_ROTATED, "id-a", "work", 3)))
                .isInstanceOf(EventConfirmation.Confirmed.class);
    }

    @Test
    void anIdWithAnotherAccountsName_isRefused_namingBoth() {
        table.put("id-a", 4, "token", Instant.now().plus(Duration.ofHours(1)));
        table.names.put("id-a", "work");

        EventConfirmation.Verdict verdict =
                confirmation.confirm(event(TokenEvent.TOKENS_ROTATED, "id-a", "personal", 4));

        assertThat(verdict)
                .isEqualTo(
                        new EventConfirmation.Refused("the accounts table names that account 'work', not 'personal'"));
    }

    @Test
    void anIdTheTableDoesNotHold_isRefused() {
        assertThat(confirmation.confirm(event(TokenEvent.TOKENS_ROTATED, "id-nobody", "work", 1)))
                .isEqualTo(new EventConfirmation.Refused("the accounts table has no account with that id"));
    }

    @Test
    void aVersionTheTableDoesNotHave_isRefused_afterOneMoreRead() {
        table.put("id-a", 4, "token", Instant.now().plus(Duration.ofHours(1)));
        table.names.put("id-a", "work");

        EventConfirmation.Verdict verdict =
                confirmation.confirm(event(TokenEvent.TOKENS_ROTATED, "id-a", "work", 1_000_000));

        assertThat(verdict)
                .isEqualTo(new EventConfirmation.Refused(
                        "token_version 1000000 does not exist (the accounts table has 4)"));
        assertThat(table.factReads).hasValue(2);
    }

    @Test
    void anEventAheadOfALaggingRead_isConfirmed_whenTheSecondReadHasIt() {
        // GIVEN a table whose first read lags one write behind
        Deque<Long> versions = new ArrayDeque<>(List.of(4L, 5L));
        AccountTokensReader lagging = new AccountTokensReader() {
            @Override
            public Optional<StoredTokens> read(String accountId) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<AccountFacts> facts(String accountId) {
                return Optional.of(new AccountFacts(accountId, "work", versions.remove(), false, false));
            }

            @Override
            public Map<String, Long> versions(Collection<String> accountIds) {
                throw new UnsupportedOperationException();
            }
        };

        // WHEN
        EventConfirmation.Verdict verdict = new EventConfirmation(lagging, Duration.ofMillis(1))
                .confirm(event(TokenEvent.TOKENS_ROTATED, "id-a", "work", 5));

        // THEN
        assertThat(verdict)
                .isEqualTo(new EventConfirmation.Confirmed(new AccountFacts("id-a", "work", 5, false, false)));
        assertThat(versions).isEmpty();
    }

    @Test
    void aPauseOfAnAccountTheTableHoldsHealthy_isRefused() {
        table.put("id-a", 4, "token", Instant.now().plus(Duration.ofHours(1)));
        table.names.put("id-a", "work");

        assertThat(confirmation.confirm(event(TokenEvent.REAUTH_REQUIRED, "id-a", "work", 4)))
                .isEqualTo(new EventConfirmation.Refused(
                        "the accounts table does not mark the account as requiring re-authentication"));
    }

    @Test
    void aPauseOfAnAccountTheTableMarksDead_isConfirmed() {
        table.put("id-a", 4, "token", Instant.now().plus(Duration.ofHours(1)));
        table.names.put("id-a", "work");
        table.markDead("id-a", "invalid_grant");

        assertThat(confirmation.confirm(event(TokenEvent.REAUTH_REQUIRED, "id-a", "work", 4)))
                .isInstanceOf(EventConfirmation.Confirmed.class);
    }

    @Test
    void anAccountOnHold_backsAPause() {
        assertThat(new AccountFacts("id-a", "work", 4, false, true).stopped()).isTrue();
        assertThat(new AccountFacts("id-a", "work", 4, true, false).stopped()).isTrue();
        assertThat(new AccountFacts("id-a", "work", 4, false, false).stopped()).isFalse();
    }

    @Test
    void shown_escapesLineBreaksAndBidiControls_andCutsLongText() {
        assertThat(EventConfirmation.shown("work\nALERT forged\u202Eevil"))
                .isEqualTo("'work\\u000aALERT forged\\u202eevil'");
        assertThat(EventConfirmation.shown("x".repeat(200))).isEqualTo("'" + "x".repeat(80) + "...'");
        assertThat(EventConfirmation.shown("naïve 🔑")).isEqualTo("'naïve 🔑'");
    }

    private static TokenEvent event(String type, String id, String name, long version) {
        return new TokenEvent(type, id, name, version, Instant.now());
    }
}
