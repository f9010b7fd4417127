package dev.reauth.refresh;

import dev.reauth.config.RefreshSettings;
import dev.reauth.domain.AccountId;
import dev.reauth.domain.Alert;
import dev.reauth.domain.AlertPublisher;
import dev.reauth.domain.AuthorizationServer;
import dev.reauth.domain.EventPublisher;
import dev.reauth.domain.ReauthException;
import dev.reauth.domain.SealedTokens;
import dev.reauth.domain.TokenVault;
import dev.reauth.link.IssuedLink;
import dev.reauth.link.LinkIssuer;
import dev.reauth.log.StructuredLog;
import dev.reauth.oauth.RefusalClassification;
import dev.reauth.oauth.TokenResponse;
import dev.reauth.wire.TokenBundle;
import dev.reauth.wire.TokenEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Refreshes one account, single flight: claim the lease (a conditional write), decrypt, redeem the
 * refresh token once, seal, compare-and-set the new tokens, tell the fleet. Tells a dead account (its
 * current refresh token refused) from a busy one (someone else rotated it), and alerts a person.
 * No AWS types here: the ledger, vault, provider and publishers are ports.
 */
public final class RefreshService {

    /** Consecutive failures after which a person is told. */
    public static final int FAILING_ALERT_AFTER = 3;
    /** The scope without which tokens cannot serve inference (anthropic-oauth.md). */
    static final String INFERENCE_SCOPE = "user:inference";

    private static final StructuredLog LOG = StructuredLog.of(RefreshService.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMinutes(1);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(30);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final int SEAL_ATTEMPTS = 3;

    /** Who asked: the schedule moves on when a refresh is in flight; a proxy that got a 401 waits for it. */
    public enum Trigger {
        SCHEDULED,
        ON_DEMAND
    }

    private final RefreshLedger ledger;
    private final TokenVault vault;
    private final AuthorizationServer provider;
    private final EventPublisher events;
    private final AlertPublisher alerts;
    private final RefreshSettings settings;
    private final List<String> refreshScopes;
    private final Clock clock;
    private final Optional<LinkIssuer> links;

    /**
     * @param refreshScopes what a refresh grant asks for: the login scopes less {@code org:create_api_key}
     */
    public RefreshService(
            RefreshLedger ledger,
            TokenVault vault,
            AuthorizationServer provider,
            EventPublisher events,
            AlertPublisher alerts,
            RefreshSettings settings,
            List<String> refreshScopes,
            Clock clock) {
        this(ledger, vault, provider, events, alerts, settings, refreshScopes, clock, Optional.empty());
    }

    /**
     * @param links issues the one-time re-auth link a dead account's alert carries (none: the alert names the command only)
     */
    public RefreshService(
            RefreshLedger ledger,
            TokenVault vault,
            AuthorizationServer provider,
            EventPublisher events,
            AlertPublisher alerts,
            RefreshSettings settings,
            List<String> refreshScopes,
            Clock clock,
            Optional<LinkIssuer> links) {
        this.links = links;
        this.ledger = ledger;
        this.vault = vault;
        this.provider = provider;
        this.events = events;
        this.alerts = alerts;
        this.settings = settings;
        this.refreshScopes = List.copyOf(refreshScopes);
        this.clock = clock;
    }

    /** The scopes a refresh carries, from the login scopes (the official client drops {@code org:create_api_key}). */
    public static List<String> refreshScopes(List<String> loginScopes) {
        return loginScopes.stream()
                .filter(scope -> !scope.equals("org:create_api_key"))
                .toList();
    }

    /**
     * What a refresh of these tokens asks for: the scopes the account was granted (stored with its
     * tokens), so a later change of the login scopes does not break old accounts with invalid_scope;
     * the configured list only for tokens that recorded none.
     */
    static List<String> scopesFor(TokenBundle current, List<String> configured) {
        return current.scope()
                .map(granted -> refreshScopes(List.of(granted.trim().split("\\s+"))))
                .filter(granted -> !granted.isEmpty() && !granted.getFirst().isEmpty())
                .orElse(configured);
    }

    /**
     * Refreshes the account unless someone else is, or just did.
     *
     * @param knownVersion the token version the caller saw (a proxy's, or the index's); the claim
     *                     fails when the tokens already moved past it
     */
    public RefreshOutcome refresh(AccountId id, OptionalLong knownVersion, Trigger trigger) {
        String accountId = id.value();
        StructuredLog.putContext("accountId", accountId);
        RefreshClaim claim = ledger.claim(
                accountId,
                knownVersion,
                UUID.randomUUID().toString(),
                clock.instant(),
                settings.lease(),
                settings.minInterval());
        return switch (claim) {
            case RefreshClaim.Leased leased -> refreshLeased(leased.account());
            case RefreshClaim.Refused refused ->
                switch (refused.reason()) {
                    case GONE -> throw new ReauthException.AccountNotFound("No account with id '" + accountId + "'");
                    case NOT_MANAGED ->
                        throw new ReauthException.InvalidRequest(
                                "not_managed",
                                "The account holds no tokens sealed by reauth yet: re-authenticate it once, then reauth keeps it alive");
                    case DEAD -> new RefreshOutcome.Dead(refused.tokenVersion(), "requires re-authentication");
                    case IN_FLIGHT ->
                        trigger == Trigger.ON_DEMAND
                                ? awaitInFlight(accountId, refused.tokenVersion())
                                : new RefreshOutcome.InFlight(refused.tokenVersion());
                    case VERSION_MOVED, TOO_SOON, IDLE -> new RefreshOutcome.Current(refused.tokenVersion());
                };
        };
    }

    /** Waits, bounded, for the refresh another caller holds the lease for; then reports the version it left. */
    private RefreshOutcome awaitInFlight(String accountId, long seenVersion) {
        Instant giveUp = clock.instant().plus(settings.onDemandWait());
        while (clock.instant().isBefore(giveUp)) {
            sleep(POLL);
            RefreshClaim.Refused now = ledger.current(accountId, clock.instant());
            if (now.reason() == RefreshClaim.Reason.GONE) {
                throw new ReauthException.AccountNotFound("No account with id '" + accountId + "'");
            }
            if (now.reason() == RefreshClaim.Reason.DEAD) {
                return new RefreshOutcome.Dead(now.tokenVersion(), "requires re-authentication");
            }
            if (now.tokenVersion() > seenVersion || now.reason() != RefreshClaim.Reason.IN_FLIGHT) {
                return new RefreshOutcome.Current(now.tokenVersion());
            }
        }
        return new RefreshOutcome.InFlight(seenVersion);
    }

    private RefreshOutcome refreshLeased(LeasedAccount account) {
        TokenBundle current;
        try {
            current = vault.open(account.id(), account.ciphertext());
        } catch (ReauthException.InvalidRequest unreadable) {
            return fail(account, "unreadable_tokens", Optional.empty());
        } catch (ReauthException.DependencyFailed kmsDown) {
            return fail(account, "kms_unavailable", Optional.empty());
        }

        TokenResponse response;
        try {
            response = provider.refresh(current.refreshToken(), scopesFor(current, refreshScopes));
        } catch (ReauthException.ProviderFailed providerDown) {
            return fail(account, "provider_error", Optional.empty());
        }
        return switch (response) {
            case TokenResponse.Granted granted
            when !servesInference(granted) ->
                dead(
                        account,
                        "scope_missing_inference",
                        "The provider granted tokens without the user:inference scope, which cannot serve requests.");
            case TokenResponse.Granted granted -> commit(account, current, granted);
            case TokenResponse.Refused refused -> refused(account, refused);
            case TokenResponse.Throttled throttled -> {
                fail(account, "throttled", throttled.retryAfter());
                yield new RefreshOutcome.Throttled(throttled.retryAfter().orElse(FIRST_BACKOFF));
            }
        };
    }

    /** A refused refresh, classified as the official client classifies it (RefusalClassification). */
    private RefreshOutcome refused(LeasedAccount account, TokenResponse.Refused refused) {
        return switch (RefusalClassification.of(refused)) {
            case DEAD ->
                dead(
                        account,
                        "invalid_grant",
                        "The provider refused the refresh token (invalid_grant): it was revoked, expired, or redeemed elsewhere.");
            case SCOPE_CHANGED ->
                dead(
                        account,
                        "scope_changed",
                        "The provider refused the account's scopes (invalid_scope), with and without naming them: its scopes"
                                + " changed, and only a new login grants today's.");
            case ON_HOLD -> RefusalResponses.onHold(this, ledger, account, clock.instant());
            case CONFIGURATION -> {
                RefusalResponses.configuration(alerts, refused.error(), clock.instant());
                yield fail(account, "provider_refused:" + refused.error(), Optional.empty());
            }
            case TRANSIENT -> fail(account, "provider_refused:" + refused.error(), Optional.empty());
        };
    }

    private static boolean servesInference(TokenResponse.Granted granted) {
        return granted.tokens()
                .scope()
                .map(scope -> List.of(scope.split("\\s+")).contains(INFERENCE_SCOPE))
                .orElse(true);
    }

    private RefreshOutcome commit(LeasedAccount account, TokenBundle current, TokenResponse.Granted granted) {
        TokenBundle next = new TokenBundle(
                granted.tokens().accessToken(),
                granted.keepsRefreshToken()
                        ? current.refreshToken()
                        : granted.tokens().refreshToken(),
                granted.tokens().tokenType(),
                granted.tokens().scope().or(current::scope),
                current.apiKey());
        Instant expiresAt = clock.instant().plus(granted.expiresIn());
        SealedTokens sealed = new SealedTokens(
                sealWithRetry(account, next),
                expiresAt,
                Optional.empty(),
                granted.refreshTokenExpiresAt(clock.instant()));
        Instant now = clock.instant();
        OptionalLong version = ledger.commit(account, sealed, !granted.keepsRefreshToken(), now);
        if (version.isEmpty()) {
            // a re-authentication wrote newer tokens meanwhile: they stand, ours are dropped
            long currentVersion = ledger.current(account.id(), now).tokenVersion();
            LOG.warn("refresh.superseded", "leasedVersion", account.tokenVersion(), "currentVersion", currentVersion);
            return new RefreshOutcome.Current(currentVersion);
        }
        LOG.info(
                "refresh.committed",
                "tokenVersion",
                version.getAsLong(),
                "refreshTokenRotated",
                !granted.keepsRefreshToken());
        publish(new TokenEvent(TokenEvent.TOKENS_ROTATED, account.id(), account.name(), version.getAsLong(), now));
        if (!account.alertsSent().isEmpty()) {
            alert(new Alert(
                    Alert.Kind.RECOVERED,
                    account.id(),
                    account.name(),
                    now,
                    "Refreshed successfully again (token_version " + version.getAsLong() + ").",
                    "Nothing to do."));
        }
        return new RefreshOutcome.Refreshed(version.getAsLong(), expiresAt);
    }

    /**
     * The provider has already rotated the refresh token, so losing the new tokens now would kill the
     * account: a KMS hiccup gets a few quick retries before the failure stands.
     */
    private byte[] sealWithRetry(LeasedAccount account, TokenBundle next) {
        for (int attempt = 1; ; attempt++) {
            try {
                return vault.seal(account.id(), next);
            } catch (ReauthException.DependencyFailed e) {
                if (attempt >= SEAL_ATTEMPTS) {
                    LOG.error("refresh.seal_failed", e, "attempts", attempt);
                    throw e;
                }
                sleep(Duration.ofMillis(100L * attempt));
            }
        }
    }

    private RefreshOutcome dead(LeasedAccount account, String reason, String what) {
        Instant now = clock.instant();
        if (!ledger.markDead(account, reason, now)) {
            // the tokens moved while this refresh ran: the refresh token it used was not the current one
            long currentVersion = ledger.current(account.id(), now).tokenVersion();
            LOG.info(
                    "refresh.stale_token_refused",
                    "leasedVersion",
                    account.tokenVersion(),
                    "currentVersion",
                    currentVersion);
            return new RefreshOutcome.Current(currentVersion);
        }
        LOG.warn("refresh.account_dead", "reason", reason, "tokenVersion", account.tokenVersion());
        publish(new TokenEvent(
                TokenEvent.REAUTH_REQUIRED,
                account.id(),
                account.name(),
                account.tokenVersion(),
                now,
                Optional.of(reason)));
        alert(new Alert(
                Alert.Kind.DEAD,
                account.id(),
                account.name(),
                now,
                what + " Proxies stop using the account until then.",
                deadFix(account)));
        return new RefreshOutcome.Dead(account.tokenVersion(), reason);
    }

    /** The command, and with links configured a fresh one-time link first: whoever reads the alert can fix it from a phone. */
    private String deadFix(LeasedAccount account) {
        String command = "reauth --reauthenticate " + account.name();
        if (links.isEmpty()) {
            return command;
        }
        try {
            IssuedLink link = links.get().issue(account.id(), account.name(), "refresher");
            return "open " + link.url() + " (a one-time re-auth link for this account only, valid until "
                    + link.expiresAt() + "), or run: " + command;
        } catch (ReauthException failure) {
            LOG.error("link.issue_failed", failure);
            return command;
        }
    }

    private RefreshOutcome fail(LeasedAccount account, String result, Optional<Duration> retryAfter) {
        Instant now = clock.instant();
        Duration backoff = backoff(account.failures());
        if (retryAfter.isPresent() && retryAfter.get().compareTo(backoff) > 0) {
            backoff = retryAfter.get();
        }
        Instant retryAt = now.plus(backoff);
        int failures = ledger.recordFailure(account, result, retryAt, now);
        LOG.warn("refresh.failed", "result", result, "consecutiveFailures", failures, "retryAt", retryAt);
        if (failures >= FAILING_ALERT_AFTER && !account.alertsSent().contains(Alert.Kind.FAILING.wire())) {
            alert(new Alert(
                    Alert.Kind.FAILING,
                    account.id(),
                    account.name(),
                    account.lastHealthyAt().orElse(now),
                    failures + " refreshes in a row failed (last: " + result + "); the next try is at " + retryAt
                            + ". The account still serves until its access token expires.",
                    "Usually none: reauth keeps trying. If it persists past the token's expiry: reauth --reauthenticate "
                            + account.name()));
        }
        return new RefreshOutcome.Failed(result, failures, retryAt);
    }

    /** 1, 2, 4, ... minutes after each consecutive failure, at most 30. */
    static Duration backoff(int failuresBefore) {
        Duration backoff = FIRST_BACKOFF.multipliedBy(1L << Math.min(failuresBefore, 10));
        return backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
    }

    /** Sends an alert once per kind until the account is healthy again; a failure to send is logged, never fatal. */
    void alert(Alert alert) {
        try {
            alerts.publish(alert);
            if (alert.kind() != Alert.Kind.RECOVERED) {
                ledger.noteAlert(alert.accountId(), alert.kind().wire());
            }
            LOG.info("alert.sent", "kind", alert.kind().wire());
        } catch (ReauthException.DependencyFailed e) {
            LOG.error("alert.failed", e, "kind", alert.kind().wire());
        }
    }

    void publish(TokenEvent event) {
        try {
            events.publish(event);
            LOG.info("fleet.notified", "eventType", event.type(), "tokenVersion", event.tokenVersion());
        } catch (ReauthException.DependencyFailed failure) {
            // the write stands; proxies converge by comparing token_version
            LOG.error("fleet.notify_failed", failure, "eventType", event.type(), "tokenVersion", event.tokenVersion());
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReauthException.DependencyFailed("Interrupted while refreshing", e);
        }
    }
}
