package dev.reauth.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reauth.testing.Race;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.threeten.extra.MutableClock;

class TokenSourceTest {

    private final FakeAccounts accounts = new FakeAccounts();
    private final TokenSource tokens = new TokenSource(accounts, accounts, Clock.systemUTC(), Duration.ofMinutes(5));

    @Test
    void concurrentCallers_shareOneLoad_andOneDecrypt() throws Exception {
        accounts.put("a", 1, "token-v1", Instant.now().plus(Duration.ofHours(8)));
        accounts.readDelayMillis = 200;

        List<String> seen = Race.race(32, () -> tokens.accessToken("a"));

        assertThat(seen).containsOnly("token-v1").hasSize(32);
        assertThat(accounts.reads.get()).isEqualTo(1);
        assertThat(accounts.decrypts.get()).isEqualTo(1);
    }

    @Test
    void decryptRunsOncePerVersion_evenAcrossFlushes() {
        accounts.put("a", 1, "token-v1", Instant.now().plus(Duration.ofHours(8)));
        tokens.accessToken("a");
        tokens.flush("a", 1);
        tokens.accessToken("a");
        assertThat(accounts.decrypts.get()).isEqualTo(1);

        accounts.put("a", 2, "token-v2", Instant.now().plus(Duration.ofHours(8)));
        tokens.flush("a", 2);

        assertThat(tokens.accessToken("a")).isEqualTo("token-v2");
        assertThat(accounts.decrypts.get()).isEqualTo(2);
    }

    @Test
    void noCallerGetsTheOldToken_afterFlushReturned_whileCallersHammerIt() throws Exception {
        accounts.put("a", 1, "token-v1", Instant.now().plus(Duration.ofHours(8)));
        tokens.accessToken("a");
        AtomicBoolean flushReturned = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        List<String> staleAfterFlush = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> callers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            callers.add(pool.submit(() -> {
                while (!stop.get()) {
                    boolean after = flushReturned.get();
                    String token = tokens.accessToken("a");
                    if (after && token.equals("token-v1")) {
                        staleAfterFlush.add(token);
                    }
                }
            }));
        }
        Thread.sleep(50);

        accounts.put("a", 2, "token-v2", Instant.now().plus(Duration.ofHours(8)));
        tokens.flush("a", 2);
        flushReturned.set(true);
        Thread.sleep(100);
        stop.set(true);
        for (Future<?> f : callers) {
            f.get();
        }
        pool.shutdown();

        assertThat(staleAfterFlush).isEmpty();
        assertThat(tokens.accessToken("a")).isEqualTo("token-v2");
        assertThat(accounts.decrypts.get()).isEqualTo(2);
    }

    @Test
    void flushListeners_runForTheAccount_andCanBeRemoved() throws Exception {
        List<String> cleared = new ArrayList<>();
        AutoCloseable registration = tokens.onFlush((account, version) -> cleared.add(account + "@" + version));

        tokens.flush("a", 3);
        registration.close();
        tokens.flush("a", 4);

        assertThat(cleared).containsExactly("a@3");
    }

    @Test
    void nearExpiry_isReadAgain_atMostOnceASecond() {
        MutableClock clock = MutableClock.of(Instant.now(), ZoneOffset.UTC);
        TokenSource source = new TokenSource(accounts, accounts, clock, Duration.ofMinutes(5));
        accounts.put("a", 1, "token-v1", clock.instant().plus(Duration.ofMinutes(2)));
        source.accessToken("a");
        accounts.put("a", 2, "token-v2", clock.instant().plus(Duration.ofHours(8)));

        assertThat(source.accessToken("a"))
                .as("within the second: no read storm")
                .isEqualTo("token-v1");
        clock.add(Duration.ofSeconds(2));
        assertThat(source.accessToken("a")).isEqualTo("token-v2");
    }

    @Test
    void checkVersions_flushesAccountsThatMovedWithoutAMessage() {
        accounts.put("a", 1, "token-v1", Instant.now().plus(Duration.ofHours(8)));
        accounts.put("b", 5, "b-v5", Instant.now().plus(Duration.ofHours(8)));
        tokens.accessToken("a");
        tokens.accessToken("b");
        accounts.put("a", 2, "token-v2", Instant.now().plus(Duration.ofHours(8)));

        assertThat(tokens.checkVersions()).containsExactly("a");
        assertThat(tokens.accessToken("a")).isEqualTo("token-v2");
        assertThat(tokens.cachedVersion("b")).isEqualTo(5);
    }

    @Test
    void unknownAccount_isAClearError() {
        assertThatThrownBy(() -> tokens.accessToken("nope"))
                .isInstanceOf(UnknownAccountException.class)
                .hasMessageContaining("nope");
    }
}
