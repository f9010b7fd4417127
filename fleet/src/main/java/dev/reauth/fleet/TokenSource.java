package dev.reauth.fleet;

import dev.reauth.wire.TokenBundle;
import dev.reauth.wire.TokenEvent;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Valid access tokens for a proxy server, per account: read from the accounts table, decrypted with
 * KMS, cached by (account, token_version). Concurrent callers for one account share one load; KMS
 * runs once per (account, version). A flush drops the account's entry and raises its version floor,
 * so once {@link #flush} has returned no caller gets a token older than the flushed version.
 *
 * <p>reauth is the fleet's one refresher: a proxy never calls the provider's token endpoint itself.
 * Refresh tokens are single-use, so a second refresher races reauth and one of them ends up with a
 * dead account. A proxy whose upstream call answered 401 calls {@link #refreshNow}; an account whose
 * refresh token died is not served at all ({@link AccountRequiresReauthException}) until it is
 * re-authenticated, and {@link #onReauthRequired} listeners hear of it so the proxy routes around it.
 *
 * <p>Events are hints, the table is the truth: {@link #accept} acts on an event only once the accounts
 * table confirms it ({@link EventConfirmation}), so a forged event cannot stop an account or raise its
 * version floor above the table's token_version.
 */
public final class TokenSource {

    private static final System.Logger LOG = System.getLogger(TokenSource.class.getName());

    private record Cached(long version, TokenBundle tokens, long refreshAtMillis) {}

    private final AccountTokensReader reader;
    private final TokenDecryptor decryptor;
    private final Clock clock;
    private final Duration refreshMargin;
    private final ConcurrentHashMap<String, CompletableFuture<Cached>> cache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> versionFloor = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Cached> lastDecrypted = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, DeadAccount> dead = new ConcurrentHashMap<>();
    private final List<FlushListener> listeners = new CopyOnWriteArrayList<>();
    private final List<ReauthRequiredListener> reauthListeners = new CopyOnWriteArrayList<>();
    private final RefreshClient refresher;
    private final EventConfirmation confirmation;
    private final AtomicLong refusedEvents = new AtomicLong();

    /** An account reauth marked as requiring re-authentication, at the version its tokens died. */
    private record DeadAccount(long version, String reason) {}

    /**
     * @param refreshMargin a cached token this close to its expiry is read again (the fleet may have
     *                      refreshed it), at most once a second so an expired token causes no read storm
     */
    public TokenSource(AccountTokensReader reader, TokenDecryptor decryptor, Clock clock, Duration refreshMargin) {
        this(reader, decryptor, clock, refreshMargin, null);
    }

    /** @param refresher how {@link #refreshNow} asks reauth to refresh (e.g. {@link ApiRefreshClient}) */
    public TokenSource(
            AccountTokensReader reader,
            TokenDecryptor decryptor,
            Clock clock,
            Duration refreshMargin,
            RefreshClient refresher) {
        this.reader = reader;
        this.decryptor = decryptor;
        this.clock = clock;
        this.refreshMargin = refreshMargin;
        this.refresher = refresher;
        this.confirmation = new EventConfirmation(reader);
    }

    /**
     * The proxy's upstream call with the account's access token answered 401: asks reauth to refresh
     * (single flight with every other proxy and reauth's schedule; the provider is called at most once),
     * then serves the new token.
     *
     * @throws AccountRequiresReauthException the refresh token is dead: route around the account
     * @throws IllegalStateException          no {@link RefreshClient} was given
     */
    public String refreshNow(String accountId) {
        if (refresher == null) {
            throw new IllegalStateException("this token source was built without a RefreshClient");
        }
        long cached = cachedVersion(accountId);
        long version;
        try {
            version = refresher.refresh(accountId, cached >= 0 ? OptionalLong.of(cached) : OptionalLong.empty());
        } catch (AccountRequiresReauthException e) {
            markDead(accountId, Math.max(cached, 0), "reported by reauth");
            throw e;
        }
        flush(accountId, version);
        return accessToken(accountId);
    }

    /**
     * Acts on a message from reauth once the accounts table confirms it: rotated tokens and reload
     * requests flush the account; a reauth-required event stops serving it and tells the
     * {@link #onReauthRequired} listeners. An event the table does not back changes nothing; it is
     * logged and counted ({@link #refusedEvents}).
     *
     * @throws FleetException.DependencyFailed the table could not be read to confirm the event
     */
    public void accept(TokenEvent event) {
        if (confirmation.confirm(event) instanceof EventConfirmation.Refused refused) {
            refusedEvents.incrementAndGet();
            LOG.log(
                    Level.WARNING,
                    "event {0} for account {1} refused: {2}; nothing changed",
                    EventConfirmation.shown(event.type()),
                    EventConfirmation.shown(event.accountId()),
                    refused.why());
            return;
        }
        if (TokenEvent.REAUTH_REQUIRED.equals(event.type())) {
            markDead(event.accountId(), event.tokenVersion(), event.reason().orElse("requires re-authentication"));
        } else {
            flush(event.accountId(), event.tokenVersion());
        }
    }

    private void markDead(String accountId, long version, String reason) {
        if (version < versionFloor.getOrDefault(accountId, 0L)) {
            // newer tokens were already announced: this message was overtaken by a re-authentication
            return;
        }
        DeadAccount previous = dead.put(accountId, new DeadAccount(version, reason));
        cache.remove(accountId);
        if (previous == null) {
            LOG.log(Level.WARNING, "account {0} requires re-authentication ({1}); not serving it", accountId, reason);
            for (ReauthRequiredListener listener : reauthListeners) {
                try {
                    listener.reauthRequired(accountId, version, reason);
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "reauth-required listener failed for account " + accountId, e);
                }
            }
        }
    }

    /** Registers what to do when an account dies (stop routing to it); close the registration to remove it. */
    public AutoCloseable onReauthRequired(ReauthRequiredListener listener) {
        reauthListeners.add(listener);
        return () -> reauthListeners.remove(listener);
    }

    /** The account's access token. */
    public String accessToken(String accountId) {
        return tokens(accountId).accessToken();
    }

    /** The account's token bundle (access and refresh tokens, API key of console accounts). */
    public TokenBundle tokens(String accountId) {
        DeadAccount gone = dead.get(accountId);
        if (gone != null) {
            throw new AccountRequiresReauthException(accountId, gone.reason());
        }
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
        return clock.millis() < cached.refreshAtMillis()
                && cached.version() >= versionFloor.getOrDefault(accountId, 0L);
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
        if (stored.reauthRequired().isPresent()) {
            // the message saying so may have been lost: the table is the truth
            markDead(accountId, stored.version(), stored.reauthRequired().get());
            throw new AccountRequiresReauthException(
                    accountId, stored.reauthRequired().get());
        }
        long floor = versionFloor.getOrDefault(accountId, 0L);
        if (stored.version() < floor) {
            // consistent reads make this rare: the write that was announced is not visible yet
            LOG.log(
                    Level.WARNING,
                    "account {0}: read token_version {1}, flushed for {2}; reading again",
                    accountId,
                    stored.version(),
                    floor);
            stored = reader.read(accountId).orElseThrow(() -> new UnknownAccountException(accountId));
            long table = stored.version();
            if (table < floor) {
                // the floor is capped by what the table says: a version it does not have is not awaited
                // on every call (unless a flush raised the floor meanwhile)
                versionFloor.computeIfPresent(accountId, (id, current) -> current == floor ? table : current);
            }
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
        // newer tokens than the ones that died: the account was re-authenticated
        dead.computeIfPresent(accountId, (id, gone) -> tokenVersion > gone.version() ? null : gone);
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
        Map<String, Long> cachedVersions = new HashMap<>();
        cache.forEach((id, future) -> {
            Cached cached = future.getNow(null);
            if (cached != null) {
                cachedVersions.put(id, cached.version());
            }
        });
        if (cachedVersions.isEmpty()) {
            return List.of();
        }
        List<String> moved = new ArrayList<>();
        reader.versions(cachedVersions.keySet()).forEach((id, current) -> {
            if (current > cachedVersions.get(id)) {
                flush(id, current);
                moved.add(id);
            }
        });
        return moved;
    }

    /** How many events the accounts table did not confirm (forged, or for another table): each changed nothing. */
    public long refusedEvents() {
        return refusedEvents.get();
    }

    /** The account's version floor: no older version is served. 0 when no flush has set one. */
    public long versionFloor(String accountId) {
        return versionFloor.getOrDefault(accountId, 0L);
    }

    /** The version currently cached for the account, or -1. */
    public long cachedVersion(String accountId) {
        CompletableFuture<Cached> entry = cache.get(accountId);
        Cached cached = entry == null ? null : entry.getNow(null);
        return cached == null ? -1 : cached.version();
    }
}
