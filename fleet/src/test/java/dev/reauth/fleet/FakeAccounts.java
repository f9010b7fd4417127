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

/** An in-memory accounts table and KMS for unit tests: "ciphertext" is the access token's bytes. */
final class FakeAccounts implements AccountTokensReader, TokenDecryptor {

    final Map<String, StoredTokens> items = new ConcurrentHashMap<>();
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger decrypts = new AtomicInteger();
    volatile long readDelayMillis;

    void put(String accountId, long version, String accessToken, Instant expiresAt) {
        items.put(accountId, new StoredTokens(version, accessToken.getBytes(StandardCharsets.UTF_8), expiresAt));
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
