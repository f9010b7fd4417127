package dev.reauth.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reauth.wire.TokenEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A dead account is not served, its listeners hear of it once, and a re-authentication brings it back. */
class ReauthRequiredTest {

    private final FakeAccounts accounts = new FakeAccounts();
    private final List<OptionalLong> refreshCalls = new CopyOnWriteArrayList<>();
    private long refreshedTo = 0;
    private final TokenSource tokens =
            new TokenSource(accounts, accounts, Clock.systemUTC(), Duration.ofMinutes(5), (accountId, known) -> {
                refreshCalls.add(known);
                accounts.put(
                        accountId,
                        refreshedTo,
                        "token-v" + refreshedTo,
                        Instant.now().plus(Duration.ofHours(8)));
                return refreshedTo;
            });
    private final List<String> heard = new CopyOnWriteArrayList<>();

    @Test
    void reauthRequiredEvent_stopsServingTheAccount_andTellsListenersOnce() {
        accounts.put("a", 3, "token-v3", Instant.now().plus(Duration.ofHours(8)));
        assertThat(tokens.accessToken("a")).isEqualTo("token-v3");
        tokens.onReauthRequired((id, version, reason) -> heard.add(id + "@" + version + ":" + reason));
        accounts.markDead("a", "invalid_grant");

        tokens.accept(event(TokenEvent.REAUTH_REQUIRED, "a", 3, "invalid_grant"));
        tokens.accept(event(TokenEvent.REAUTH_REQUIRED, "a", 3, "invalid_grant"));

        assertThatThrownBy(() -> tokens.accessToken("a"))
                .isInstanceOf(AccountRequiresReauthException.class)
                .hasMessageContaining("invalid_grant");
        assertThat(heard).containsExactly("a@3:invalid_grant");
    }

    @Test
    void aReauthentication_newerTokens_bringsTheAccountBack() {
        accounts.put("a", 3, "token-v3", Instant.now().plus(Duration.ofHours(8)));
        accounts.markDead("a", "invalid_grant");
        tokens.accept(event(TokenEvent.REAUTH_REQUIRED, "a", 3, "invalid_grant"));
        assertThatThrownBy(() -> tokens.accessToken("a")).isInstanceOf(AccountRequiresReauthException.class);

        accounts.put("a", 4, "token-v4", Instant.now().plus(Duration.ofHours(8)));
        tokens.accept(event(TokenEvent.TOKENS_ROTATED, "a", 4, null));

        assertThat(tokens.accessToken("a")).isEqualTo("token-v4");
    }

    @Test
    void aReauthRequiredEventOvertakenByNewerTokens_isIgnored() {
        accounts.put("a", 4, "token-v4", Instant.now().plus(Duration.ofHours(8)));
        tokens.accept(event(TokenEvent.TOKENS_ROTATED, "a", 4, null));

        tokens.accept(event(TokenEvent.REAUTH_REQUIRED, "a", 3, "invalid_grant"));

        assertThat(tokens.accessToken("a")).isEqualTo("token-v4");
    }

    @Test
    void anAccountMarkedInTheTable_isNotServed_evenWhenTheMessageWasLost() {
        accounts.items.put(
                "a",
                new StoredTokens(
                        5,
                        "token-v5".getBytes(StandardCharsets.UTF_8),
                        Instant.now().plus(Duration.ofHours(1)),
                        Optional.of("invalid_grant")));
        tokens.onReauthRequired((id, version, reason) -> heard.add(id + ":" + reason));

        assertThatThrownBy(() -> tokens.accessToken("a")).isInstanceOf(AccountRequiresReauthException.class);
        assertThat(heard).containsExactly("a:invalid_grant");
    }

    @Test
    void refreshNow_asksReauthWithTheCachedVersion_andServesTheNewToken() {
        accounts.put("a", 6, "token-v6", Instant.now().plus(Duration.ofHours(8)));
        tokens.accessToken("a");
        refreshedTo = 7;

        assertThat(tokens.refreshNow("a")).isEqualTo("token-v7");
        assertThat(refreshCalls).containsExactly(OptionalLong.of(6));
    }

    @Test
    void refreshNow_withoutARefreshClient_saysSo() {
        TokenSource plain = new TokenSource(accounts, accounts, Clock.systemUTC(), Duration.ofMinutes(5));
        assertThatThrownBy(() -> plain.refreshNow("a")).isInstanceOf(IllegalStateException.class);
    }

    private static TokenEvent event(String type, String accountId, long version, String reason) {
        return new TokenEvent(type, accountId, "name", version, Instant.now(), Optional.ofNullable(reason));
    }
}
