package dev.reauth.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reauth.fleet.AccountFacts;
import dev.reauth.fleet.AccountTokensReader;
import dev.reauth.fleet.StoredTokens;
import dev.reauth.fleet.TokenDecryptor;
import dev.reauth.wire.TokenBundle;
import dev.reauth.wire.TokenEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
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

class ReauthAgentTest {

    /** reauth's side: each account's version and tokens ("ciphertext" is the plain access|refresh pair). */
    final Map<String, StoredTokens> reauth = new HashMap<>();

    final Map<String, String> names = new HashMap<>();
    final AccountTokensReader reader = new AccountTokensReader() {
        @Override
        public Optional<StoredTokens> read(String accountId) {
            return Optional.ofNullable(reauth.get(accountId));
        }

        @Override
        public Optional<AccountFacts> facts(String accountId) {
            return Optional.ofNullable(reauth.get(accountId))
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
    final TokenDecryptor decryptor = (accountId, ciphertext) -> {
        String[] pair = new String(ciphertext, StandardCharsets.UTF_8).split("\\|");
        return new TokenBundle(pair[0], pair[1], "Bearer", Optional.empty(), Optional.empty());
    };
    final AccountDirectory directory = name -> names.entrySet().stream()
            .filter(e -> e.getValue().equals(name))
            .findFirst()
            .map(e -> new AccountDirectory.Listing(
                    e.getKey(), reauth.get(e.getKey()).version()));
    final FakeStore store = new FakeStore();
    final List<String> reloads = new ArrayList<>();
    final ProxyReloader reloader = account -> {
        reloads.add(account.proxyId());
        return new ProxyReloader.Outcome(true, 200, "reloaded");
    };
    final List<String> adoptions = new ArrayList<>();
    TokenAdopter adopter = (accountId, base, tokens) -> {
        adoptions.add(accountId + "@" + base + ":" + tokens.refreshToken());
        return new TokenAdopter.Outcome.Conflict();
    };

    @TempDir
    Path dir;

    ReauthAgent agent;

    @BeforeEach
    void start() {
        store.add("work", new ProxyCredentials("proxy-access", "proxy-refresh", 1));
        agent = newAgent();
    }

    ReauthAgent newAgent() {
        return new ReauthAgent(
                directory,
                reader,
                decryptor,
                store,
                reloader,
                (a, b, t) -> adopter.adopt(a, b, t),
                AgentState.load(dir.resolve("state.json")),
                new ReauthAgent.Listener() {});
    }

    void rotate(String id, String name, long version) {
        names.put(id, name);
        reauth.put(
                id,
                new StoredTokens(
                        version,
                        ("access-" + version + "|refresh-" + version).getBytes(StandardCharsets.UTF_8),
                        Instant.ofEpochMilli(1_000_000L * version)));
    }

    /** reauth marks the account dead at its current version, as its refresher does on invalid_grant. */
    void die(String id) {
        StoredTokens current = reauth.get(id);
        reauth.put(
                id,
                new StoredTokens(
                        current.version(), current.ciphertext(), current.expiresAt(), Optional.of("invalid_grant")));
    }

    static TokenEvent event(String type, String id, String name, long version) {
        return new TokenEvent(type, id, name, version, Instant.EPOCH);
    }

    @Test
    void rotation_writesReauthsTokensAndExpiry_thenAsksTheProxyToReload() {
        rotate("id-1", "work", 3);

        agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-1", "work", 3));

        ProxyCredentials written = store.accounts.get("work").credentials();
        assertThat(written.accessToken()).isEqualTo("access-3");
        assertThat(written.refreshToken()).isEqualTo("refresh-3");
        assertThat(written.expiresAtMillis()).isEqualTo(3_000_000L);
        assertThat(reloads).containsExactly("proxy-work");
    }

    @Test
    void aDuplicateOrOlderMessage_writesNothingMore() {
        rotate("id-1", "work", 3);
        agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-1", "work", 3));

        agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-1", "work", 3));
        agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-1", "work", 2));

        assertThat(store.writes).hasSize(1);
        assertThat(reloads).hasSize(1);
    }

    @Test
    void anAccountTheProxyDoesNotHold_isIgnored() {
        rotate("id-2", "elsewhere", 1);

        agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-2", "elsewhere", 1));
        agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-2", "elsewhere", 1));

        assertThat(store.writes).isEmpty();
        assertThat(reloads).isEmpty();
    }

    @Test
    void reauthRequired_pausesTheAccount_andTheNextRotationUnpausesIt() {
        rotate("id-1", "work", 3);
        agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-1", "work", 3));

        die("id-1");
        agent.onEvent(event(TokenEvent.REAUTH_REQUIRED, "id-1", "work", 3));
        assertThat(store.accounts.get("work").paused()).isTrue();
        assertThat(store.pauseReasons).containsEntry("work", ReauthAgent.PAUSE_REASON);

        rotate("id-1", "work", 4);
        agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-1", "work", 4));
        assertThat(store.accounts.get("work").paused()).isFalse();
        assertThat(store.accounts.get("work").credentials().accessToken()).isEqualTo("access-4");
    }

    @Test
    void anAccountPausedBySomeoneElse_staysPausedAfterTheRotation() {
        rotate("id-1", "work", 3);
        store.pause("work", "manual");

        die("id-1");
        agent.onEvent(event(TokenEvent.REAUTH_REQUIRED, "id-1", "work", 3));
        rotate("id-1", "work", 4);
        agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-1", "work", 4));

        assertThat(store.accounts.get("work").paused()).isTrue();
        assertThat(store.pauseReasons).containsEntry("work", "manual");
    }

    @Test
    void aReauthRequiredOlderThanReauthsTokens_doesNotPause() {
        rotate("id-1", "work", 5);

        agent.onEvent(event(TokenEvent.REAUTH_REQUIRED, "id-1", "work", 4));

        assertThat(store.accounts.get("work").paused()).isFalse();
    }

    @Test
    void aPauseSurvivesARestart_andIsLiftedByTheRotationCaughtUpOnStart() {
        rotate("id-1", "work", 3);
        agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-1", "work", 3));
        die("id-1");
        agent.onEvent(event(TokenEvent.REAUTH_REQUIRED, "id-1", "work", 3));

        rotate("id-1", "work", 4);
        int applied = newAgent().reconcile();

        assertThat(applied).isEqualTo(1);
        assertThat(store.accounts.get("work").paused()).isFalse();
        assertThat(store.accounts.get("work").credentials().accessToken()).isEqualTo("access-4");
    }

    @Test
    void reconcile_appliesOnlyWhatIsNewerThanWhatWasApplied() {
        store.add("other", new ProxyCredentials("o", "o", 1));
        store.add("unmapped", new ProxyCredentials("u", "u", 1));
        rotate("id-1", "work", 3);
        rotate("id-2", "other", 7);
        agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-1", "work", 3));
        store.writes.clear();

        ReauthAgent restarted = newAgent();
        assertThat(restarted.reconcile()).isEqualTo(1);
        assertThat(store.writes).containsExactly("other");
        assertThat(restarted.reconcile()).isZero();
    }

    @Test
    void aRefreshTokenTheAgentDidNotWrite_isOfferedToReauthForAdoption_once() {
        rotate("id-1", "work", 3);
        agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-1", "work", 3));
        store.refreshBehindTheAgentsBack("work", new ProxyCredentials("self-access", "self-refresh", 99));

        agent.checkForeignTokens();
        agent.checkForeignTokens();

        assertThat(adoptions).containsExactly("id-1@3:self-refresh");
    }

    @Test
    void foreignTokensFoundWhileApplying_areOfferedAtTheBaseTheAgentKnew_andReauthsNewerTokensAreWritten() {
        rotate("id-1", "work", 3);
        agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-1", "work", 3));
        store.refreshBehindTheAgentsBack("work", new ProxyCredentials("self-access", "self-refresh", 99));

        rotate("id-1", "work", 4);
        agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-1", "work", 4));

        assertThat(adoptions).containsExactly("id-1@3:self-refresh");
        assertThat(store.accounts.get("work").credentials().refreshToken()).isEqualTo("refresh-4");
    }

    @Test
    void beforeTheAgentEverWrote_theProxysTokensAreNotCalledForeign() {
        agent.checkForeignTokens();
        rotate("id-1", "work", 1);
        agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-1", "work", 1));

        assertThat(adoptions).isEmpty();
    }

    @Test
    void aFailedStoreWrite_throws_soTheMessageIsDeliveredAgain_andNothingIsRecorded() {
        rotate("id-1", "work", 3);
        ProxyStore failing = new FakeStore() {
            {
                add("work", new ProxyCredentials("a", "r", 1));
            }

            @Override
            public Optional<StoredAccount> write(String name, ProxyCredentials credentials) {
                throw new ProxyStoreException("database is locked", null);
            }
        };
        AgentState state = AgentState.load(dir.resolve("failing.json"));
        ReauthAgent agent = new ReauthAgent(
                directory, reader, decryptor, failing, reloader, adopter, state, new ReauthAgent.Listener() {});

        assertThatThrownBy(() -> agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-1", "work", 3)))
                .isInstanceOf(ProxyStoreException.class);
        assertThat(state.appliedVersion("id-1")).isZero();
        assertThat(reloads).isEmpty();
    }

    @Test
    void aReloadThatFailedAfterTheWrite_isRetriedUntilItSucceeds_notRecordedAsDone() {
        // GIVEN a proxy whose reload endpoint refuses twice, then answers
        rotate("id-1", "work", 3);
        List<Runnable> retries = new ArrayList<>();
        List<Integer> answers = new ArrayList<>(List.of(503, 503, 200));
        ProxyReloader flaky = account -> {
            int status = answers.removeFirst();
            return new ProxyReloader.Outcome(status == 200, status, status == 200 ? "reloaded" : "refused");
        };
        List<String> retried = new ArrayList<>();
        ReloadRetries owed =
                new ReloadRetries((task, delay) -> retries.add(task), Duration.ofSeconds(1), Duration.ofMinutes(1));
        ReauthAgent agent = new ReauthAgent(
                directory,
                reader,
                decryptor,
                store,
                flaky,
                adopter,
                AgentState.load(dir.resolve("retry.json")),
                new ReauthAgent.Listener() {
                    @Override
                    public void reloadRetried(String accountId, String name, long tokenVersion) {
                        retried.add(name + "@" + tokenVersion);
                    }
                },
                owed);

        // WHEN the rotation is applied (its reload fails) and the scheduled retries run
        agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-1", "work", 3));
        assertThat(owed.owes("id-1")).isTrue();
        while (!retries.isEmpty()) {
            retries.removeFirst().run();
        }

        // THEN the reload was asked for three times in all, and the last answer settled it
        assertThat(answers).isEmpty();
        assertThat(owed.owes("id-1")).isFalse();
        assertThat(retried).containsExactly("work@3");
        assertThat(store.accounts.get("work").credentials().accessToken()).isEqualTo("access-3");
    }

    @Test
    void tokensReauthAdopted_areTheVersionTheProxyHolds_soItsRotationEventWritesNothingBack() {
        // GIVEN the agent applied version 3, and the proxy then refreshed on its own
        rotate("id-1", "work", 3);
        agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-1", "work", 3));
        store.refreshBehindTheAgentsBack("work", new ProxyCredentials("own-access", "own-refresh", 7));
        adopter = (accountId, base, tokens) -> {
            adoptions.add(accountId + "@" + base + ":" + tokens.refreshToken());
            reauth.put(
                    accountId,
                    new StoredTokens(
                            base + 1,
                            (tokens.accessToken() + "|" + tokens.refreshToken()).getBytes(StandardCharsets.UTF_8),
                            Instant.ofEpochMilli(tokens.expiresAtMillis())));
            return new TokenAdopter.Outcome.Adopted(base + 1);
        };

        // WHEN the agent hands them over (reauth adopts them as 4), and the proxy refreshes once more before
        // the agent hears of version 4
        agent.checkForeignTokens();
        store.refreshBehindTheAgentsBack("work", new ProxyCredentials("newer-access", "newer-refresh", 8));
        agent.onEvent(event(TokenEvent.TOKENS_ROTATED, "id-1", "work", 4));

        // THEN version 4 (spent by the proxy's newer refresh) is not written over the proxy's newer tokens
        assertThat(store.accounts.get("work").credentials().refreshToken()).isEqualTo("newer-refresh");
        assertThat(adoptions).containsExactly("id-1@3:own-refresh");
        // AND the newer tokens are offered on the version reauth adopted
        agent.checkForeignTokens();
        assertThat(adoptions).containsExactly("id-1@3:own-refresh", "id-1@4:newer-refresh");
    }
}
