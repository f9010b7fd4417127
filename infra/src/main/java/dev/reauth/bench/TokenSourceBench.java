package dev.reauth.bench;

import dev.reauth.fleet.AccountFacts;
import dev.reauth.fleet.AccountTokensReader;
import dev.reauth.fleet.StoredTokens;
import dev.reauth.fleet.TokenSource;
import dev.reauth.wire.TokenBundle;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** JMH: what a proxy pays per request for its token when the cache holds it (the hot path). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TokenSourceBench {

    private TokenSource tokens;

    @Setup
    public void warm() {
        AccountTokensReader table = new AccountTokensReader() {
            @Override
            public Optional<StoredTokens> read(String accountId) {
                return Optional.of(new StoredTokens(
                        1,
                        accountId.getBytes(StandardCharsets.UTF_8),
                        Instant.now().plus(Duration.ofHours(8))));
            }

            @Override
            public Optional<AccountFacts> facts(String accountId) {
                return Optional.of(new AccountFacts(accountId, accountId, 1, false, false));
            }

            @Override
            public Map<String, Long> versions(Collection<String> accountIds) {
                return Map.of();
            }
        };
        tokens = new TokenSource(
                table,
                (id, ciphertext) ->
                        new TokenBundle("token-" + id, "refresh", "Bearer", Optional.empty(), Optional.empty()),
                Clock.systemUTC(),
                Duration.ofMinutes(5));
        for (int i = 0; i < 100; i++) {
            tokens.accessToken("account-" + i);
        }
    }

    @Benchmark
    public String accessToken_cacheHit() {
        return tokens.accessToken("account-42");
    }
}
