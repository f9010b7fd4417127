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
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

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

    /**
     * What the answer to a refresh the provider has already granted (the old refresh token is spent,
     * the new one live) turns into: the windows in which a refresher can lose a rotated token.
     */
    public enum AfterRotation {
        /** Rotates, then answers 500: the new tokens never reach the caller. */
        SERVER_ERROR,
        /** Rotates, then answers in full only after {@link #afterRotationDelay}: past a client's timeout. */
        SLOW,
        /** Rotates, then drops the connection without an answer. */
        LOST,
        /** Answers 200 with the new refresh token but no {@code access_token}. */
        NO_ACCESS_TOKEN,
        /** Answers 200 with the new tokens but no {@code expires_in}. */
        NO_EXPIRES_IN,
        /** Answers 200 with the new tokens and a scope without {@code user:inference}. */
        NO_INFERENCE_SCOPE
    }

    /** A granted refresh whose answer meets {@code fault} on its way out. */
    record Rotated(Grant grant, AfterRotation fault, Duration delay) {}

    /** A refresh request the provider just answered: whether it rotated, and what became of the answer. */
    public record Answered(boolean rotated, Optional<AfterRotation> fault) {}

    private final Map<String, LocalOAuthProvider.Login> live = new ConcurrentHashMap<>();
    private final Set<String> spent = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> accessExpiry = new ConcurrentHashMap<>();
    /** Whose each issued access token is, for the profile endpoint. */
    private final Map<String, LocalOAuthProvider.Login> accessHolders = new ConcurrentHashMap<>();

    private final Deque<Fault> faults = new ArrayDeque<>();
    private final AtomicInteger refreshRequests = new AtomicInteger();
    private final AtomicInteger reuses = new AtomicInteger();
    /** Each presentation of an already redeemed refresh token, in order (one entry per presentation). */
    private final Queue<String> reusedTokens = new ConcurrentLinkedQueue<>();

    private final SecureRandom random = new SecureRandom();
    private volatile Clock clock = Clock.systemUTC();
    private volatile Duration accessTokenLifetime = Duration.ofHours(8);
    private volatile String grantedScope = null;
    private volatile Duration retryAfter = Duration.ofSeconds(2);
    private volatile Duration timeoutDelay = Duration.ofSeconds(5);
    private final Deque<AfterRotation> afterRotation = new ArrayDeque<>();
    private final Map<String, String> successors = new ConcurrentHashMap<>();
    private final List<Consumer<Answered>> answeredListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> rotationListeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger rotatedAnswersLost = new AtomicInteger();
    private final Set<String> lostRotations = ConcurrentHashMap.newKeySet();
    private final Random shares = new Random();
    private volatile Duration afterRotationDelay = Duration.ofSeconds(5);
    private volatile double serverErrorShare = 0;
    private volatile AfterRotation sharedAfterRotation = null;
    private volatile double afterRotationShare = 0;

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
        accessHolders.put(accessToken, login);
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
        if (fault == null && serverErrorShare > 0 && draw() < serverErrorShare) {
            fault = Fault.SERVER_ERROR;
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
                reusedTokens.add(refreshToken);
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
        accessHolders.put(access, login);
        successors.put(refreshToken, refresh);
        String scope = grantedScope != null ? grantedScope : requestedScope.orElse("user:profile user:inference");
        Grant grant = new Grant(
                access, refresh, accessTokenLifetime.toSeconds(), scope, login, refreshTokenExpiresIn(refresh));
        rotationListeners.forEach(Runnable::run);
        AfterRotation damage = nextAfterRotation();
        if (damage != null) {
            if (damage == AfterRotation.SERVER_ERROR || damage == AfterRotation.SLOW || damage == AfterRotation.LOST) {
                rotatedAnswersLost.incrementAndGet();
                lostRotations.add(refreshToken);
            }
            return new Rotated(grant, damage, afterRotationDelay);
        }
        return grant;
    }

    private AfterRotation nextAfterRotation() {
        synchronized (afterRotation) {
            AfterRotation queued = afterRotation.poll();
            if (queued != null) {
                return queued;
            }
        }
        AfterRotation shared = sharedAfterRotation;
        return shared != null && afterRotationShare > 0 && draw() < afterRotationShare ? shared : null;
    }

    private double draw() {
        synchronized (shares) {
            return shares.nextDouble();
        }
    }

    /** The next granted refreshes (after rotating) answer this way, in order. */
    public void afterRotationNext(AfterRotation... next) {
        synchronized (afterRotation) {
            afterRotation.addAll(List.of(next));
        }
    }

    /** How long a {@link AfterRotation#SLOW} answer keeps the caller waiting after the rotation. */
    public void afterRotationDelay(Duration delay) {
        afterRotationDelay = delay;
    }

    /** From now on {@code percent} % of refresh requests meet a 500 before any rotation (0: none). */
    public void serverErrorShare(double percent) {
        serverErrorShare = share(percent);
    }

    /** From now on {@code percent} % of granted refreshes answer as {@code mode} after rotating (0: none). */
    public void afterRotationShare(AfterRotation mode, double percent) {
        afterRotationShare = share(percent);
        sharedAfterRotation = mode;
    }

    /** Seeds the draws of the shared faults, so a run can be repeated. */
    public void seed(long seed) {
        synchronized (shares) {
            shares.setSeed(seed);
        }
    }

    private static double share(double percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent must be from 0 to 100");
        }
        return percent / 100.0;
    }

    /** Calls {@code listener} on the provider's thread as each refresh request has been answered (sent or dropped). */
    public void onRefreshAnswered(Consumer<Answered> listener) {
        answeredListeners.add(listener);
    }

    /**
     * Calls {@code listener} on the provider's thread as each refresh has rotated, before its answer
     * goes out: an outage started here is already in force when the caller gets the new tokens.
     */
    public void onRotation(Runnable listener) {
        rotationListeners.add(listener);
    }

    void answered(Answered answer) {
        answeredListeners.forEach(listener -> listener.accept(answer));
    }

    /**
     * The live refresh token that {@code refreshToken} rotated into, following every rotation since
     * (itself when it was never redeemed): what an account must end up holding.
     */
    public String newestAfter(String refreshToken) {
        String newest = refreshToken;
        for (String next = successors.get(newest); next != null; next = successors.get(newest)) {
            newest = next;
        }
        return newest;
    }

    /** Whether {@code refreshToken} is live: issued, never redeemed, never revoked. */
    public boolean isLiveRefreshToken(String refreshToken) {
        return live.containsKey(refreshToken);
    }

    /** Whether redeeming {@code refreshToken} rotated it and the answer was then lost (500, slow, dropped). */
    public boolean answerLostFor(String refreshToken) {
        return lostRotations.contains(refreshToken);
    }

    /** Granted refreshes whose answer did not reach the caller (500, slow, dropped after rotating). */
    public int rotatedAnswersLost() {
        return rotatedAnswersLost.get();
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

    /** Whose a live (issued, unexpired) access token is; empty for any other token. */
    public Optional<LocalOAuthProvider.Login> holderOf(String accessToken) {
        return isLive(accessToken, clock.instant())
                ? Optional.ofNullable(accessHolders.get(accessToken))
                : Optional.empty();
    }

    /** Refresh-grant requests received, faults included. */
    public int refreshRequests() {
        return refreshRequests.get();
    }

    /** Refresh tokens presented again after they were redeemed: must stay 0 with a single refresher. */
    public int reusedRefreshTokens() {
        return reuses.get();
    }

    /**
     * The refresh tokens behind {@link #reusedRefreshTokens()}, one entry per presentation: with
     * {@link #answerLostFor} and who else redeemed tokens, a bench tells an expected reuse (the old
     * token presented again after its answer was lost) from a refresher presenting a token whose
     * rotation it had received. For figures only; never printed.
     */
    public List<String> reusedTokens() {
        return List.copyOf(reusedTokens);
    }

    private String token() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
