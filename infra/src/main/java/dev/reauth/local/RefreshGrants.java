package dev.reauth.local;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The local provider's refresh rules, as Anthropic's: every refresh token is single-use and rotates;
 * a reused or revoked one answers {@code invalid_grant}. Access-token lifetimes are configurable so
 * a day of refreshes fits in minutes, and faults (5xx, timeouts, 429) can be queued for the next
 * refresh requests. It counts what a test must prove: refresh calls, and refresh tokens redeemed twice.
 */
public final class RefreshGrants {

    /** What the next refresh request meets instead of a grant. */
    public enum Fault {
        SERVER_ERROR,
        TIMEOUT,
        THROTTLED,
        /** 400 invalid_grant with error_description account_on_hold: the provider suspended the account. */
        ACCOUNT_ON_HOLD,
        /** 400 invalid_scope: the scope the refresh asked for is refused. */
        INVALID_SCOPE,
        /** 401 invalid_client: the provider refuses the client id. */
        INVALID_CLIENT,
        /** 403 with a CDN's HTML page instead of JSON. */
        HTML_FORBIDDEN
    }

    /** A granted refresh: the new tokens and who they belong to. */
    record Grant(
            String accessToken,
            String refreshToken,
            long expiresInSeconds,
            String scope,
            LocalOAuthProvider.Login login,
            Optional<Long> refreshTokenExpiresInSeconds) {
        @Override
        public String toString() {
            return "Grant[***]";
        }
    }

    /** A refusal or fault, as the HTTP answer the front sends. */
    record Refusal(
            int status, String error, Optional<Duration> retryAfter, Duration delay, Optional<String> description) {
        Refusal(int status, String error, Optional<Duration> retryAfter, Duration delay) {
            this(status, error, retryAfter, delay, Optional.empty());
        }

        /** A CDN's page, not the token endpoint's JSON. */
        boolean html() {
            return "html".equals(error);
        }
    }

    private final Map<String, LocalOAuthProvider.Login> live = new ConcurrentHashMap<>();
    private final Set<String> spent = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> accessExpiry = new ConcurrentHashMap<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final AtomicInteger refreshRequests = new AtomicInteger();
    private final AtomicInteger reuses = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private volatile Clock clock = Clock.systemUTC();
    private volatile Duration accessTokenLifetime = Duration.ofHours(8);
    private volatile String grantedScope = null;
    private volatile Duration retryAfter = Duration.ofSeconds(2);
    private volatile Duration timeoutDelay = Duration.ofSeconds(5);
    /** Each refresh token's absolute deadline, inherited by the token that replaces it (none: no lifetime set). */
    private final Map<String, Instant> refreshDeadlines = new ConcurrentHashMap<>();

    private final Set<String> revokedAtEndpoint = ConcurrentHashMap.newKeySet();
    private volatile Duration refreshTokenLifetime = null;

    /** Records tokens a code exchange issued; returns the lifetime to announce. */
    long issued(String accessToken, String refreshToken, LocalOAuthProvider.Login login) {
        return issued(accessToken, refreshToken, login, null);
    }

    /** The same, with a custom access-token lifetime the exchange asked for (null: the configured one). */
    long issued(String accessToken, String refreshToken, LocalOAuthProvider.Login login, Duration customLifetime) {
        live.put(refreshToken, login);
        Duration lifetime = refreshTokenLifetime;
        if (lifetime != null) {
            refreshDeadlines.put(refreshToken, clock.instant().plus(lifetime));
        }
        Duration lifetimeNow = customLifetime != null ? customLifetime : accessTokenLifetime;
        accessExpiry.put(accessToken, clock.instant().plus(lifetimeNow));
        return lifetimeNow.toSeconds();
    }

    /** Issues a live token pair for {@code login} as a code exchange would, without the login itself. */
    Grant mint(LocalOAuthProvider.Login login) {
        String access = "sk-ant-oat01-local-" + token();
        String refresh = "sk-ant-ort01-local-" + token();
        long expiresIn = issued(access, refresh, login);
        return new Grant(
                access, refresh, expiresIn, "user:profile user:inference", login, refreshTokenExpiresIn(refresh));
    }

    /** Redeems a refresh token once: a grant with a new pair, or the refusal a reused token gets. */
    Object redeem(String refreshToken, Optional<String> requestedScope) {
        refreshRequests.incrementAndGet();
        Fault fault;
        synchronized (faults) {
            fault = faults.poll();
        }
        if (fault != null) {
            return switch (fault) {
                case SERVER_ERROR -> new Refusal(500, "server_error", Optional.empty(), Duration.ZERO);
                case TIMEOUT -> new Refusal(504, "server_error", Optional.empty(), timeoutDelay);
                case THROTTLED -> new Refusal(429, "rate_limit_error", Optional.of(retryAfter), Duration.ZERO);
                case ACCOUNT_ON_HOLD ->
                    new Refusal(400, "invalid_grant", Optional.empty(), Duration.ZERO, Optional.of("account_on_hold"));
                case INVALID_SCOPE -> new Refusal(400, "invalid_scope", Optional.empty(), Duration.ZERO);
                case INVALID_CLIENT -> new Refusal(401, "invalid_client", Optional.empty(), Duration.ZERO);
                case HTML_FORBIDDEN -> new Refusal(403, "html", Optional.empty(), Duration.ZERO);
            };
        }
        Instant deadline = refreshDeadlines.get(refreshToken);
        if (deadline != null && !clock.instant().isBefore(deadline) && live.remove(refreshToken) != null) {
            return new Refusal(400, "invalid_grant", Optional.empty(), Duration.ZERO);
        }
        LocalOAuthProvider.Login login = live.remove(refreshToken);
        if (login == null) {
            if (spent.contains(refreshToken)) {
                reuses.incrementAndGet();
            }
            return new Refusal(400, "invalid_grant", Optional.empty(), Duration.ZERO);
        }
        spent.add(refreshToken);
        String access = "sk-ant-oat01-local-" + token();
        String refresh = "sk-ant-ort01-local-" + token();
        live.put(refresh, login);
        if (deadline != null) {
            // refreshing does not extend the deadline: the new token inherits it
            refreshDeadlines.put(refresh, deadline);
        }
        accessExpiry.put(access, clock.instant().plus(accessTokenLifetime));
        String scope = grantedScope != null ? grantedScope : requestedScope.orElse("user:profile user:inference");
        return new Grant(
                access, refresh, accessTokenLifetime.toSeconds(), scope, login, refreshTokenExpiresIn(refresh));
    }

    /**
     * Refresh tokens issued from now on by a login stop working this long after it, whatever is
     * refreshed meanwhile, and every answer says how long is left ({@code refresh_token_expires_in});
     * null (the default) for no deadline.
     */
    public void refreshTokenLifetime(Duration lifetime) {
        refreshTokenLifetime = lifetime;
    }

    /** The seconds left on this refresh token's absolute deadline, when it has one. */
    Optional<Long> refreshTokenExpiresIn(String refreshToken) {
        return Optional.ofNullable(refreshDeadlines.get(refreshToken))
                .map(deadline ->
                        Math.max(0, Duration.between(clock.instant(), deadline).toSeconds()));
    }

    /**
     * The revoke endpoint: forgets a live refresh token, as the provider's revoke does. An unknown
     * token answers as a known one did (RFC 7009 §2.2), so this only records what was revoked.
     */
    void revokeAtEndpoint(String refreshToken) {
        if (live.remove(refreshToken) != null) {
            revokedAtEndpoint.add(refreshToken);
        }
    }

    /** Whether the revoke endpoint revoked this refresh token. */
    public boolean revokedAtEndpoint(String refreshToken) {
        return revokedAtEndpoint.contains(refreshToken);
    }

    /** How many live refresh tokens the revoke endpoint revoked. */
    public int revokedAtEndpointCount() {
        return revokedAtEndpoint.size();
    }

    /** The provider's clock from now on (a test moves it with the functions' clock, to live through a month). */
    public void clock(Clock clock) {
        this.clock = clock;
    }

    /** Access tokens from now on live this long (code exchanges and refreshes alike). */
    public void accessTokenLifetime(Duration lifetime) {
        accessTokenLifetime = lifetime;
    }

    /** Grants from now on carry this scope (null: what the request asked for). */
    public void grantedScope(String scope) {
        grantedScope = scope;
    }

    /** The next refresh requests meet these faults, in order. */
    public void failNext(Fault... next) {
        synchronized (faults) {
            faults.addAll(List.of(next));
        }
    }

    /** How long a {@link Fault#THROTTLED} answer asks the caller to wait. */
    public void retryAfter(Duration wait) {
        retryAfter = wait;
    }

    /** How long a {@link Fault#TIMEOUT} keeps the caller waiting before answering. */
    public void timeoutDelay(Duration delay) {
        timeoutDelay = delay;
    }

    /** Revokes a refresh token, as a provider does when a user signs out everywhere. */
    public void revoke(String refreshToken) {
        live.remove(refreshToken);
    }

    /** Whether an access token this provider issued is unexpired at {@code at}. */
    public boolean isLive(String accessToken, Instant at) {
        Instant expiry = accessExpiry.get(accessToken);
        return expiry != null && at.isBefore(expiry);
    }

    /** Refresh-grant requests received, faults included. */
    public int refreshRequests() {
        return refreshRequests.get();
    }

    /** Refresh tokens presented again after they were redeemed: must stay 0 with a single refresher. */
    public int reusedRefreshTokens() {
        return reuses.get();
    }

    private String token() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
