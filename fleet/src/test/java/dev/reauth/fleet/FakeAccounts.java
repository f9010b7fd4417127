package dev.reauth.fleet;

import dev.reauth.wire.TokenBundle;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory accounts table and KMS for unit tests: "ciphertext" is the access token's bytes. An
 * account's name is "name" unless {@link #names} says otherwise; it is dead when its tokens say so.
 */
final class FakeAccounts implements AccountTokensReader, TokenDecryptor {

    final Map<String, StoredTokens> items = new ConcurrentHashMap<>();
    final Map<String, String> names = new ConcurrentHashMap<>();
    final AtomicInteger factReads = new AtomicInteger();
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger decrypts = new AtomicInteger();
    volatile long readDelayMillis;

    void put(String accountId, long version, String accessToken, Instant expiresAt) {
        items.put(accountId, new StoredTokens(version, accessToken.getBytes(StandardCharsets.UTF_8), expiresAt));
    }

    /** reauth marks the account as requiring re-authentication at its current version. */
    void markDead(String accountId, String reason) {
        StoredTokens t = items.get(accountId);
        items.put(accountId, new StoredTokens(t.version(), t.ciphertext(), t.expiresAt(), Optional.of(reason)));
    }

    @Override
    public Optional<StoredTokens> read(String accountId) {
        reads.incrementAndGet();
        if (readDelayMillis > 0) {
            try {
                Thread.sleep(readDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return Optional.ofNullable(items.get(accountId));
    }

    @Override
    public Optional<AccountFacts> facts(String accountId) {
        factReads.incrementAndGet();
        return Optional.ofNullable(items.get(accountId))
                .map(t -> new AccountFacts(
                        accountId,
                        names.getOrDefault(accountId, "name"),
                        t.version(),
                        t.reauthRequired().isPresent(),
                        false));
    }

    @Override
    public Map<String, Long> versions(Collection<String> accountIds) {
        Map<String, Long> versions = new HashMap<>();
        accountIds.forEach(id -> Optional.ofNullable(items.get(id)).ifPresent(t -> versions.put(id, t.version())));
        return versions;
    }

    @Override
    public TokenBundle decrypt(String accountId, byte[] ciphertext) {
        decrypts.incrementAndGet();
        return new TokenBundle(
                new String(ciphertext, StandardCharsets.UTF_8),
                "refresh",
                "Bearer",
                Optional.empty(),
                Optional.empty());
    }
}
