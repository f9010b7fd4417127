package dev.reauth.fleet;

import dev.reauth.wire.TokenBundle;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Valid access tokens for a proxy server, per account: read from the accounts table, decrypted with
 * KMS, cached by (account, token_version). Concurrent callers for one account share one load; KMS
 * runs once per (account, version). A flush drops the account's entry and raises its version floor,
 * so once {@link #flush} has returned no caller gets a token older than the flushed version.
 */
public final class TokenSource {

    private static final System.Logger LOG = System.getLogger(TokenSource.class.getName());

    private record Cached(long version, TokenBundle tokens, long refreshAtMillis) {
    }

    private final AccountTokensReader reader;
    private final TokenDecryptor decryptor;
    private final Clock clock;
    private final Duration refreshMargin;
    private final ConcurrentHashMap<String, CompletableFuture<Cached>> cache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> versionFloor = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Cached> lastDecrypted = new ConcurrentHashMap<>();
    private final List<FlushListener> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param refreshMargin a cached token this close to its expiry is read again (the fleet may have
     *                      refreshed it), at most once a second so an expired token causes no read storm
     */
    public TokenSource(AccountTokensReader reader, TokenDecryptor decryptor, Clock clock, Duration refreshMargin) {
        this.reader = reader;
        this.decryptor = decryptor;
        this.clock = clock;
        this.refreshMargin = refreshMargin;
    }

    /** The account's access token. */
    public String accessToken(String accountId) {
        return tokens(accountId).accessToken();
    }

    /** The account's token bundle (access and refresh tokens, API key of console accounts). */
    public TokenBundle tokens(String accountId) {
        CompletableFuture<Cached> entry = cache.get(accountId);
        if (entry != null) {
            Cached cached = entry.getNow(null);
            if (cached != null) {
                if (usable(accountId, cached)) {
                    return cached.tokens();
                }
                cache.remove(accountId, entry);
            }
        }
        return load(accountId).tokens();
    }

    private boolean usable(String accountId, Cached cached) {
        return clock.millis() < cached.refreshAtMillis() && cached.version() >= versionFloor.getOrDefault(accountId, 0L);
    }

    private Cached load(String accountId) {
        CompletableFuture<Cached> mine = new CompletableFuture<>();
        CompletableFuture<Cached> running = cache.putIfAbsent(accountId, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            Cached loaded = read(accountId);
            mine.complete(loaded);
            return loaded;
        } catch (RuntimeException e) {
            cache.remove(accountId, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private Cached read(String accountId) {
        StoredTokens stored = reader.read(accountId).orElseThrow(() -> new UnknownAccountException(accountId));
        long floor = versionFloor.getOrDefault(accountId, 0L);
        if (stored.version() < floor) {
            // consistent reads make this rare: the write that was announced is not visible yet
            LOG.log(Level.WARNING, "account {0}: read token_version {1}, flushed for {2}; reading again",
                    accountId, stored.version(), floor);
            stored = reader.read(accountId).orElseThrow(() -> new UnknownAccountException(accountId));
        }
        Cached previous = lastDecrypted.get(accountId);
        TokenBundle tokens = previous != null && previous.version() == stored.version()
                ? previous.tokens()
                : decryptor.decrypt(accountId, stored.ciphertext());
        long refreshAt = stored.expiresAt().minus(refreshMargin).toEpochMilli();
        // an already-expired token is still served (it is all there is) but read again next time
        Cached cached = new Cached(stored.version(), tokens, Math.max(refreshAt, clock.millis() + 1000));
        lastDecrypted.put(accountId, cached);
        return cached;
    }

    /**
     * Drops the account's cached tokens and runs every flush listener. {@code tokenVersion} (from the
     * message) becomes the floor: an older version is never served again.
     */
    public void flush(String accountId, long tokenVersion) {
        versionFloor.merge(accountId, tokenVersion, Math::max);
        cache.remove(accountId);
        for (FlushListener listener : listeners) {
            try {
                listener.flushed(accountId, tokenVersion);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "flush listener failed for account " + accountId, e);
            }
        }
    }

    /** Registers what to clear on a flush; close the registration to remove it. */
    public AutoCloseable onFlush(FlushListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * Compares the cached versions with the table's (one projection read for all cached accounts) and
     * flushes every account that moved: how a server converges when a message never arrives.
     *
     * @return the accounts flushed
     */
    public List<String> checkVersions() {
        Map<String, Long> cachedVersions = new java.util.HashMap<>();
        cache.forEach((id, future) -> {
            Cached cached = future.getNow(null);
            if (cached != null) {
                cachedVersions.put(id, cached.version());
            }
        });
        if (cachedVersions.isEmpty()) {
            return List.of();
        }
        List<String> moved = new java.util.ArrayList<>();
        reader.versions(cachedVersions.keySet()).forEach((id, current) -> {
            if (current > cachedVersions.get(id)) {
                flush(id, current);
                moved.add(id);
            }
        });
        return moved;
    }

    /** The version currently cached for the account, or -1. */
    public long cachedVersion(String accountId) {
        CompletableFuture<Cached> entry = cache.get(accountId);
        Cached cached = entry == null ? null : entry.getNow(null);
        return cached == null ? -1 : cached.version();
    }
}
