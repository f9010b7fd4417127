package dev.reauth.refresh;

import dev.reauth.config.RefreshSafety;
import dev.reauth.config.RefreshSettings;
import dev.reauth.domain.AccountId;
import dev.reauth.domain.Alert;
import dev.reauth.domain.AlertPublisher;
import dev.reauth.domain.AlertState;
import dev.reauth.domain.AuthorizationServer;
import dev.reauth.domain.EventPublisher;
import dev.reauth.domain.ReauthException;
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
    /** The dead reason when the provider rotated and its answer never reached reauth. */
    public static final String ROTATION_LOST = "rotation_lost";
    /** A refresh's result when its tokens went to the rescue queue (they wait there, counted as pending). */
    public static final String TOKENS_RESCUED = "tokens_rescued";
    /** The attention reason of tokens granted without {@value #INFERENCE_SCOPE}. */
    public static final String SCOPE_MISSING_INFERENCE = "scope_missing_inference";
    /** The attention reason of a grant whose access token never came, even on a second redeem. */
    public static final String ACCESS_TOKEN_MISSING = "access_token_missing";

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
    private final TokenLanding landing;
    private final RefreshSafety safety;
    private final DeathVerdict verdict;
    private final ProviderCallPace pace;

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
        this(
                ledger,
                vault,
                provider,
                events,
                alerts,
                settings,
                refreshScopes,
                clock,
                links,
                RefreshSafety.defaults(),
                new TokenLanding(ledger, vault, Optional.empty(), RefreshSafety.defaults(), clock),
                DeathVerdict.immediate(ledger));
    }

    /**
     * @param safety  the timeouts and retry budget the landing deadline and the on-demand run are computed from
     * @param landing seals and commits the provider's answer, retrying, and rescues it when it cannot
     * @param verdict decides whether a refused refresh token kills the account now (a proxy's agent may be
     *                about to hand over tokens the proxy refreshed itself)
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
            Optional<LinkIssuer> links,
            RefreshSafety safety,
            TokenLanding landing,
            DeathVerdict verdict) {
        this(
                ledger,
                vault,
                provider,
                events,
                alerts,
                settings,
                refreshScopes,
                clock,
                links,
                safety,
                landing,
                verdict,
                ProviderCallPace.unlimited());
    }

    /**
     * As above, every provider call taking a permit from the stack-wide budget first.
     *
     * @param pace waits for a call from the stack-wide provider call budget (PROVIDER_CALL_BUDGET)
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
            Optional<LinkIssuer> links,
            RefreshSafety safety,
            TokenLanding landing,
            DeathVerdict verdict,
            ProviderCallPace pace) {
        this.pace = pace;
        this.safety = safety;
        this.landing = landing;
        this.verdict = verdict;
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
        Instant now = clock.instant();
        // on demand nothing drained the rescue queue; without one, nothing can be pending
        Optional<Instant> drainedAt = landing.rescues() ? Optional.empty() : Optional.of(now);
        return refresh(
                id,
                knownVersion,
                trigger,
                now.plus(safety.functionTimeout()).minus(RefreshSafety.RUN_MARGIN),
                drainedAt);
    }

    /**
     * Refreshes as above within a run.
     *
     * @param runDeadline when the run must be done: the new tokens land (or are rescued) by then
     * @param rescuesDrainedAt when the run started draining the rescue queue (empty: it did not)
     */
    public RefreshOutcome refresh(
            AccountId id,
            OptionalLong knownVersion,
            Trigger trigger,
            Instant runDeadline,
            Optional<Instant> rescuesDrainedAt) {
        String accountId = id.value();
        StructuredLog.putContext("accountId", accountId);
        Instant claimedAt = clock.instant();
        RefreshClaim claim = ledger.claim(
                accountId,
                knownVersion,
                UUID.randomUUID().toString(),
                claimedAt,
                settings.lease(),
                settings.minInterval());
        return switch (claim) {
            case RefreshClaim.Leased leased ->
                refreshLeased(
                        leased.account(), landing.landBy(claimedAt, settings.lease(), runDeadline), rescuesDrainedAt);
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

    private RefreshOutcome refreshLeased(LeasedAccount account, Instant landBy, Optional<Instant> drainedAt) {
        Optional<Instant> abandoned = account.abandonedLeaseUntil();
        if (abandoned.isPresent()
                && drainedAt.filter(at -> at.isAfter(abandoned.get())).isEmpty()) {
            // the refresher that held the lease died or lost the table: its answer may sit in the rescue
            // queue, and the stored refresh token may be spent. Only a run that drained the queue after
            // that lease ended may call the provider.
            Instant now = clock.instant();
            int failures = ledger.recordFailure(account, "previous_refresh_unfinished", now, now);
            LOG.warn("refresh.previous_unfinished", "abandonedLeaseUntil", abandoned.get());
            return new RefreshOutcome.Failed("previous_refresh_unfinished", failures, now);
        }
        TokenBundle current;
        try {
            current = vault.open(account.id(), account.ciphertext());
        } catch (ReauthException.InvalidRequest unreadable) {
            return fail(account, "unreadable_tokens", Optional.empty());
        } catch (ReauthException.DependencyFailed kmsDown) {
            return fail(account, "kms_unavailable", Optional.empty());
        }

        if (!pace.await(budgetWaitUntil(landBy))) {
            return budgetExhausted(account);
        }
        TokenResponse response;
        try {
            response = provider.refresh(current.refreshToken(), scopesFor(current, refreshScopes));
        } catch (ReauthException.ProviderFailed providerDown) {
            return providerDown.afterSending()
                    ? answerLost(account)
                    : fail(account, "provider_error", Optional.empty());
        }
        return switch (response) {
            case TokenResponse.Granted granted -> landGrant(account, current, granted, landBy);
            case TokenResponse.Refused refused -> refused(account, refused);
            case TokenResponse.Throttled throttled -> {
                fail(account, "throttled", throttled.retryAfter());
                yield new RefreshOutcome.Throttled(throttled.retryAfter().orElse(FIRST_BACKOFF));
            }
        };
    }

    /**
     * How long a refresh may wait for a call from the budget: as long as an on-demand caller waits, and
     * never so long that the refresh could no longer finish (its provider calls and landing) by {@code landBy}.
     */
    private Instant budgetWaitUntil(Instant landBy) {
        Instant waited = clock.instant().plus(settings.onDemandWait());
        Instant lastStart = landBy.minus(safety.perRefreshBudget());
        return waited.isBefore(lastStart) ? waited : lastStart;
    }

    /**
     * The stack-wide budget had no call free in time: nothing was sent, so nothing rotated. The account
     * is tried again after the minimum interval; no alert (the failure count tells a person if it lasts).
     */
    private RefreshOutcome budgetExhausted(LeasedAccount account) {
        Instant now = clock.instant();
        Instant retryAt = now.plus(settings.minInterval());
        int failures = ledger.recordFailure(account, "provider_call_budget", retryAt, now);
        LOG.warn("refresh.provider_call_budget_exhausted", "consecutiveFailures", failures, "retryAt", retryAt);
        return new RefreshOutcome.Failed("provider_call_budget", failures, retryAt);
    }

    /** The request went out and no usable answer came back: the provider may have rotated. Named, not guessed. */
    private RefreshOutcome answerLost(LeasedAccount account) {
        Instant now = clock.instant();
        Duration backoff = backoff(account.failures());
        int failures = ledger.recordFailure(
                account,
                "provider_answer_lost",
                now.plus(backoff),
                account.uncertainSince().or(() -> Optional.of(now)),
                now);
        LOG.warn("refresh.rotation_uncertain", "consecutiveFailures", failures);
        return new RefreshOutcome.Failed("provider_answer_lost", failures, now.plus(backoff));
    }

    /** The current refresh token was refused: lost to a rotation whose answer never came, or revoked. */
    private RefreshOutcome invalidGrant(LeasedAccount account) {
        if (account.uncertainSince().isPresent()) {
            return dead(
                    account,
                    ROTATION_LOST,
                    "Rotation lost: the provider rotated and its answer never arrived (a refresh at "
                            + account.uncertainSince().get()
                            + " got no answer), so the provider now refuses the old refresh token (invalid_grant).");
        }
        return dead(
                account,
                "invalid_grant",
                "The provider refused the refresh token (invalid_grant): it was revoked, expired, or redeemed elsewhere.");
    }

    /** A refused refresh, classified as the official client classifies it (RefusalClassification). */
    private RefreshOutcome refused(LeasedAccount account, TokenResponse.Refused refused) {
        return switch (RefusalClassification.of(refused)) {
            case DEAD -> invalidGrant(account);
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

    /**
     * A 2xx: whatever it lacks, it may carry the only copy of the new refresh token. Without an access
     * token the new refresh token is redeemed once more at once; without the inference scope the tokens
     * are stored and a person is asked to look.
     */
    private RefreshOutcome landGrant(
            LeasedAccount account, TokenBundle current, TokenResponse.Granted granted, Instant landBy) {
        TokenBundle next = merged(current, granted);
        Duration expiresIn = granted.expiresIn();
        Optional<String> attention = Optional.empty();
        if (granted.lacksAccessToken()) {
            Optional<TokenResponse.Granted> again = redeemAgain(next.refreshToken(), landBy);
            if (again.isPresent()) {
                next = merged(next, again.get());
                expiresIn = again.get().expiresIn();
                granted = again.get();
            } else {
                // keep the new refresh token; the old access token serves until the next run
                next = new TokenBundle(
                        current.accessToken(), next.refreshToken(), next.tokenType(), next.scope(), next.apiKey());
                expiresIn = Duration.ZERO;
                attention = Optional.of(ACCESS_TOKEN_MISSING);
            }
        }
        if (attention.isEmpty() && !servesInference(granted)) {
            attention = Optional.of(SCOPE_MISSING_INFERENCE);
        }
        Instant expiresAt = clock.instant().plus(expiresIn);
        boolean rotated = !next.refreshToken().equals(current.refreshToken());
        TokenLanding.Result result = landing.land(
                account, next, expiresAt, granted.refreshTokenExpiresAt(clock.instant()), rotated, attention, landBy);
        return switch (result) {
            case TokenLanding.Result.Committed committed ->
                committed(account, committed.tokenVersion(), expiresAt, rotated, attention);
            case TokenLanding.Result.Superseded superseded -> {
                // a re-authentication wrote newer tokens meanwhile: they stand, ours are dropped
                long currentVersion =
                        ledger.current(account.id(), clock.instant()).tokenVersion();
                LOG.warn(
                        "refresh.superseded",
                        "leasedVersion",
                        account.tokenVersion(),
                        "currentVersion",
                        currentVersion);
                yield new RefreshOutcome.Current(currentVersion);
            }
            case TokenLanding.Result.Rescued rescued ->
                new RefreshOutcome.Failed(TOKENS_RESCUED, account.failures() + 1, clock.instant());
            case TokenLanding.Result.Lost lost ->
                new RefreshOutcome.Failed("tokens_lost", account.failures() + 1, clock.instant());
        };
    }

    /** The grant's tokens over the current ones: a kept refresh token, scope and API key carry over. */
    private static TokenBundle merged(TokenBundle current, TokenResponse.Granted granted) {
        return new TokenBundle(
                granted.tokens().accessToken(),
                granted.keepsRefreshToken()
                        ? current.refreshToken()
                        : granted.tokens().refreshToken(),
                granted.tokens().tokenType(),
                granted.tokens().scope().or(current::scope),
                current.apiKey());
    }

    /** The second redeem of a grant that brought no access token; empty when it brought none either. */
    private Optional<TokenResponse.Granted> redeemAgain(String refreshToken, Instant landBy) {
        if (!pace.await(budgetWaitUntil(landBy))) {
            LOG.warn("refresh.access_token_redeem_not_in_budget");
            return Optional.empty();
        }
        try {
            if (provider.refresh(refreshToken, refreshScopes) instanceof TokenResponse.Granted again
                    && !again.lacksAccessToken()) {
                return Optional.of(again);
            }
            LOG.warn("refresh.access_token_missing_twice");
        } catch (ReauthException.ProviderFailed e) {
            LOG.warn("refresh.access_token_redeem_failed", "afterSending", e.afterSending());
        }
        return Optional.empty();
    }

    private RefreshOutcome committed(
            LeasedAccount account, long version, Instant expiresAt, boolean rotated, Optional<String> attention) {
        Instant now = clock.instant();
        LOG.info("refresh.committed", "tokenVersion", version, "refreshTokenRotated", rotated);
        publish(new TokenEvent(TokenEvent.TOKENS_ROTATED, account.id(), account.name(), version, now));
        attention.ifPresent(reason -> alert(
                SCOPE_MISSING_INFERENCE.equals(reason)
                        ? Alert.scopeMissing(account.id(), account.name(), now, version)
                        // the stored expiry is now; proxies still hold the old access token, valid until its own
                        : Alert.accessTokenMissing(
                                account.id(), account.name(), now, AlertState.ofExpiry(account.expiresAt(), now))));
        if (!account.alertsSent().isEmpty()) {
            alert(Alert.recovered(account.id(), account.name(), now, "Refreshed successfully again", version));
        }
        return new RefreshOutcome.Refreshed(version, expiresAt);
    }

    private RefreshOutcome dead(LeasedAccount account, String reason, String what) {
        Instant now = clock.instant();
        if (!verdict.markDead(account, reason, now)) {
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
        alert(Alert.dead(account.id(), account.name(), now, reason, what, deadFix(account)));
        return new RefreshOutcome.Dead(account.tokenVersion(), reason);
    }

    /** The command, and with links configured a fresh one-time link first: whoever reads the alert can fix it from a phone. */
    private String deadFix(LeasedAccount account) {
        String command = Alert.relogin(account.name());
        if (links.isEmpty()) {
            return command;
        }
        try {
            IssuedLink link = links.get().issue(account.id(), account.name(), "refresher");
            // the new link replaces any earlier one of the account: said here, so whoever sent that one knows
            return "open " + link.url() + " (a one-time re-auth link for this account only, valid until "
                    + link.expiresAt() + "; it replaces any earlier link of this account), or run: " + command;
        } catch (ReauthException.AccountUnbound unbound) {
            return "run: " + command + " (no link is sent: the account is bound to no provider account yet, so a link"
                    + " would bind it to whoever opened it first)";
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
            alert(Alert.failing(
                    account.id(),
                    account.name(),
                    account.lastHealthyAt().orElse(now),
                    AlertState.ofExpiry(account.expiresAt(), now),
                    failures,
                    result,
                    retryAt));
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
