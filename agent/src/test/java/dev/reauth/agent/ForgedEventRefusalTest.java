package dev.reauth.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.fleet.AccountFacts;
import dev.reauth.fleet.AccountTokensReader;
import dev.reauth.fleet.StoredTokens;
import dev.reauth.fleet.TokenDecryptor;
import dev.reauth.wire.TokenBundle;
import dev.reauth.wire.TokenEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events the accounts table does not back reach the agent (as if published by someone other than
 * the stack): the proxy's store is left as it was, and each is reported as refused.
 */
class ForgedEventRefusalTest {

    /** reauth's side: two accounts, "work" (id-a, version 3) and "personal" (id-b, version 5). */
    private final Map<String, StoredTokens> table = new HashMap<>();

    private final Map<String, String> names = new HashMap<>();
    private final AccountTokensReader reader = new AccountTokensReader() {
        @Override
        public Optional<StoredTokens> read(String accountId) {
            return Optional.ofNullable(table.get(accountId));
        }

        @Override
        public Optional<AccountFacts> facts(String accountId) {
            return Optional.ofNullable(table.get(accountId))
                    .map(t -> new AccountFacts(
                            accountId,
                            names.get(accountId),
                            t.version(),
                            t.reauthRequired().isPresent(),
                            false));
        }

        @Override
        public Map<String, Long> versions(Collection<String> accountIds) {
            throw new UnsupportedOperationException();
        }
    };
    private final TokenDecryptor decryptor = (accountId, ciphertext) -> {
        String[] pair = new String(ciphertext, StandardCharsets.UTF_8).split("\\|");
        return new TokenBundle(pair[0], pair[1], "Bearer", Optional.empty(), Optional.empty());
    };
    private final FakeStore store = new FakeStore();
    private final List<String> refused = new ArrayList<>();
    private final List<String> reloads = new ArrayList<>();

    @TempDir
    Path dir;

    private ReauthAgent agent;

    @BeforeEach
    void proxyHoldsBothAccounts() {
        put("id-a", "work", 3);
        put("id-b", "personal", 5);
        store.add("work", new ProxyCredentials("work-access", "work-refresh", 1));
        store.add("personal", new ProxyCredentials("personal-access", "personal-refresh", 1));
        agent = new ReauthAgent(
                name -> Optional.empty(),
                reader,
                decryptor,
                store,
                account -> {
                    reloads.add(account.name());
                    return new ProxyReloader.Outcome(true, 200, "reloaded");
                },
                TokenAdopter.NONE,
                AgentState.load(dir.resolve("state.json")),
                new ReauthAgent.Listener() {
                    @Override
                    public void refused(TokenEvent event, String why) {
                        refused.add(event.type() + " " + event.accountId() + ": " + why);
                    }
                });
    }

    @Test
    void aRotationPairingOneAccountsIdWithAnothersName_writesNothing() {
        // WHEN an event says work's id belongs to the proxy's "personal" slot
        agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-a", "personal", 3));

        // THEN personal keeps its own tokens (work's were not written over them), and nothing reloaded
        assertThat(store.accounts.get("personal").credentials().accessToken()).isEqualTo("personal-access");
        assertThat(store.writes).isEmpty();
        assertThat(reloads).isEmpty();
        assertThat(refused)
                .containsExactly(TokenEvent.TOKENS_ROTATED
                        + " id-a: the accounts table names that account 'work', not 'personal'");
    }

    @Test
    void aRotationWithAVersionTheTableDoesNotHave_writesNothing() {
        agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-a", "work", 1_000_000));

        assertThat(store.writes).isEmpty();
        assertThat(refused)
                .containsExactly(TokenEvent.TOKENS_ROTATED
                        + " id-a: token_version 1000000 does not exist (the accounts table has 3)");
    }

    @Test
    void aReloadForAnIdTheTableDoesNotHold_writesNothing() {
        agent.onEvent(event(TokenEvent.RELOAD_REQUESTED, "id-nobody", "work", 1));

        assertThat(store.writes).isEmpty();
        assertThat(refused).hasSize(1);
    }

    @Test
    void aPauseOfAHealthyAccount_pausesNothing() {
        agent.onEvent(event(TokenEvent.REAUTH_REQUIRED, "id-b", "personal", 5));

        assertThat(store.accounts.get("personal").paused()).isFalse();
        assertThat(store.pauseReasons).isEmpty();
        assertThat(refused)
                .containsExactly(TokenEvent.REAUTH_REQUIRED
                        + " id-b: the accounts table does not mark the account as requiring re-authentication");
    }

    @Test
    void thePairTheTableHolds_isApplied_andAPauseItMarks_pauses() {
        agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-a", "work", 3));
        table.put(
                "id-b",
                new StoredTokens(
                        5,
                        "personal-5|personal-r5".getBytes(StandardCharsets.UTF_8),
                        Instant.ofEpochMilli(5_000_000),
                        Optional.of("invalid_grant")));
        agent.onEvent(event(TokenEvent.REAUTH_REQUIRED, "id-b", "personal", 5));

        assertThat(store.accounts.get("work").credentials().accessToken()).isEqualTo("work-3");
        assertThat(store.accounts.get("personal").paused()).isTrue();
        assertThat(refused).isEmpty();
    }

    private void put(String id, String name, long version) {
        names.put(id, name);
        table.put(
                id,
                new StoredTokens(
                        version,
                        (name + "-" + version + "|" + name + "-r" + version).getBytes(StandardCharsets.UTF_8),
                        Instant.ofEpochMilli(1_000_000L * version)));
    }

    private static TokenEvent event(String type, String id, String name, long version) {
        return new TokenEvent(type, id, name, version, Instant.EPOCH);
    }
}
