package dev.reauth.refresh;

import dev.reauth.config.SecondRefresherSettings;
import dev.reauth.domain.Account;
import dev.reauth.domain.AccountDirectory;
import dev.reauth.domain.AccountId;
import dev.reauth.domain.AccountName;
import dev.reauth.domain.Alert;
import dev.reauth.domain.AlertPublisher;
import dev.reauth.domain.EventPublisher;
import dev.reauth.domain.ReauthException;
import dev.reauth.domain.SealedTokens;
import dev.reauth.domain.TokenVault;
import dev.reauth.log.StructuredLog;
import dev.reauth.oauth.AccountMode;
import dev.reauth.oauth.ProviderIdentity;
import dev.reauth.wire.TokenBundle;
import dev.reauth.wire.TokenEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Tokens reauth did not mint itself. Adopted: a proxy refreshed on its own after all (a second
 * refresher), so the refresh token reauth holds is spent; its tokens replace reauth's with a
 * compare-and-set, nobody hears {@code invalid_grant} later, and a person is told. Imported: an
 * account a proxy already had becomes a reauth account, sealed on the way in; importing it again
 * changes nothing.
 */
public final class TokenIntake {

    private static final StructuredLog LOG = StructuredLog.of(TokenIntake.class);
    /** How long an adoption waits for a refresh in flight on its base version: 40 x 250 ms. */
    private static final int IN_FLIGHT_ATTEMPTS = 40;

    private static final Duration IN_FLIGHT_POLL = Duration.ofMillis(250);

    /**
     * What an import did.
     *
     * @param bound whether the created account is bound to a provider identity (the profile endpoint named
     *     one); false for an existing account, which is left as it is
     */
    public record Imported(String accountId, boolean created, long tokenVersion, boolean bound) {}

    /** better-ccflare 3.5.4 refreshes a token itself once it is within this of expiry (no switch turns that off). */
    public static final Duration BETTER_CCFLARE_REFRESH_WINDOW = Duration.ofMinutes(30);

    /** What an agent's handshake learns: how long a refused refresh is held for it, and the stack's lead. */
    public record AgentHandshake(Duration deadGrace, Duration refreshLead) {}

    private final RefreshLedger ledger;
    private final AccountDirectory accounts;
    private final TokenVault vault;
    private final EventPublisher events;
    private final AlertPublisher alerts;
    private final Clock clock;
    private final Optional<SecondRefresherLedger> agents;
    private final SecondRefresherSettings secondRefresher;
    private final Duration refreshLead;
    private final AdoptionTrust trust;
    private final DependencyRetry retry;

    public TokenIntake(
            RefreshLedger ledger,
            AccountDirectory accounts,
            TokenVault vault,
            EventPublisher events,
            AlertPublisher alerts,
            Clock clock,
            AdoptionTrust trust) {
        this(
                ledger,
                accounts,
                vault,
                events,
                alerts,
                clock,
                Optional.empty(),
                SecondRefresherSettings.defaults(),
                Duration.ofMinutes(60),
                trust);
    }

    /**
     * @param agents          which accounts an agent serves, and the one second-refresher alert (none: every
     *                        adoption alerts)
     * @param refreshLead     the stack's lead, which the second-refresher alert compares with the proxy's window
     * @param trust           the checks an adoption passes first (rate limit, identity at the provider)
     */
    public TokenIntake(
            RefreshLedger ledger,
            AccountDirectory accounts,
            TokenVault vault,
            EventPublisher events,
            AlertPublisher alerts,
            Clock clock,
            Optional<SecondRefresherLedger> agents,
            SecondRefresherSettings secondRefresher,
            Duration refreshLead,
            AdoptionTrust trust) {
        this(
                ledger,
                accounts,
                vault,
                events,
                alerts,
                clock,
                agents,
                secondRefresher,
                refreshLead,
                trust,
                DependencyRetry.none());
    }

    /** @param retry how an adoption's AWS steps are retried before the agent hears 503 (it tries again itself) */
    public TokenIntake(
            RefreshLedger ledger,
            AccountDirectory accounts,
            TokenVault vault,
            EventPublisher events,
            AlertPublisher alerts,
            Clock clock,
            Optional<SecondRefresherLedger> agents,
            SecondRefresherSettings secondRefresher,
            Duration refreshLead,
            AdoptionTrust trust,
            DependencyRetry retry) {
        this.trust = trust;
        this.retry = retry;
        this.agents = agents;
        this.secondRefresher = secondRefresher;
        this.refreshLead = refreshLead;
        this.ledger = ledger;
        this.accounts = accounts;
        this.vault = vault;
        this.events = events;
        this.alerts = alerts;
        this.clock = clock;
    }

    /**
     * Adopts tokens a proxy got by refreshing the tokens of {@code baseVersion} itself.
     *
     * @return the new token_version
     * @throws ReauthException.SessionUsed with error {@code version_moved} when reauth's tokens moved past
     *                                     {@code baseVersion} (they win: the proxy takes reauth's)
     * @throws ReauthException.AccountMismatch when the tokens belong to another provider account
     *                                     ({@link AdoptionTrust}: also rate limit and unverifiable tokens)
     */
    public long adopt(AccountId id, long baseVersion, String accessToken, String refreshToken, Instant expiresAt) {
        return adopt(id, baseVersion, accessToken, refreshToken, expiresAt, Optional.empty());
    }

    /**
     * As above, with the refresh token's absolute deadline where the proxy knows it. Without one the stored
     * deadline stays: a refresh does not extend it (anthropic-oauth.md), so the proxy's own refresh left it as it was.
     */
    public long adopt(
            AccountId id,
            long baseVersion,
            String accessToken,
            String refreshToken,
            Instant expiresAt,
            Optional<Instant> refreshTokenExpiresAt) {
        String accountId = id.value();
        StructuredLog.putContext("accountId", accountId);
        noteAttempt(accountId);
        RefreshLedger.Sealed current = retry.call("read", () -> ledger.sealed(accountId))
                .orElseThrow(() ->
                        new ReauthException.AccountNotFound("No account with id '" + accountId + "' holds tokens"));
        if (current.tokenVersion() != baseVersion) {
            throw versionMoved(current.tokenVersion());
        }
        // nothing is opened, sealed or written before the provider said whose these tokens are
        ProviderIdentity identity = trust.verify(accountId, current.name(), baseVersion, accessToken);
        TokenBundle held = retry.call("open", () -> vault.open(accountId, current.ciphertext()));
        SealedTokens sealed = new SealedTokens(
                retry.call("seal", () -> vault.seal(accountId, adopted(held, accessToken, refreshToken))),
                expiresAt,
                Optional.of(identity),
                refreshTokenExpiresAt);
        Optional<RefreshLedger.Adopted> adopted = adoptPastRefreshInFlight(accountId, baseVersion, sealed);
        Instant now = clock.instant();
        if (adopted.isEmpty()) {
            throw versionMoved(
                    retry.call("read", () -> ledger.current(accountId, now)).tokenVersion());
        }
        long version = adopted.get().tokenVersion();
        LOG.warn(
                "tokens.adopted_from_second_refresher",
                "baseVersion",
                baseVersion,
                "tokenVersion",
                version,
                "wasDead",
                adopted.get().wasDead());
        publish(new TokenEvent(TokenEvent.TOKENS_ROTATED, accountId, current.name(), version, now));
        if (adopted.get().wasDead()) {
            alert(Alert.recoveredByAdoption(accountId, current.name(), now, version));
        }
        if (agents.isEmpty() || agents.get().secondRefresherSeen(accountId, now, secondRefresher.alertQuiet())) {
            alert(secondRefresherAlert(accountId, current.name(), baseVersion, version, now));
        } else {
            LOG.info(
                    "alert.second_refresher_quiet",
                    "quietHours",
                    secondRefresher.alertQuiet().toHours());
        }
        return version;
    }

    /**
     * Adopts, and while a refresh of the same version is in flight waits a little for it: the proxy spent
     * the refresh token that refresh presents, so it ends in invalid_grant and the refresher gives the lease
     * up for this adoption (GraceDeathVerdict). Bounded, and only while the version is still the base.
     */
    private Optional<RefreshLedger.Adopted> adoptPastRefreshInFlight(
            String accountId, long baseVersion, SealedTokens sealed) {
        for (int attempt = 1; ; attempt++) {
            Instant now = clock.instant();
            Optional<RefreshLedger.Adopted> adopted =
                    retry.call("commit", () -> ledger.adopt(accountId, baseVersion, sealed, now));
            if (adopted.isPresent() || attempt >= IN_FLIGHT_ATTEMPTS) {
                return adopted;
            }
            RefreshClaim.Refused current = retry.call("read", () -> ledger.current(accountId, now));
            if (current.reason() == RefreshClaim.Reason.GONE || current.tokenVersion() != baseVersion) {
                return adopted;
            }
            if (current.reason() != RefreshClaim.Reason.IN_FLIGHT) {
                continue; // the lease was given up between the two reads: try again at once
            }
            if (attempt == 1) {
                LOG.info("adopt.waiting_for_refresh_in_flight", "baseVersion", baseVersion);
            }
            try {
                Thread.sleep(IN_FLIGHT_POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return adopted;
            }
        }
    }

    /**
     * Tells a death verdict held for this account that a hand-over is under way (it may fail on KMS and be
     * retried by the agent): the verdict waits on. Best effort; the adoption goes on without it.
     */
    private void noteAttempt(String accountId) {
        try {
            agents.ifPresent(a -> a.adoptionAttempted(accountId, clock.instant()));
        } catch (ReauthException.DependencyFailed e) {
            LOG.warn("adopt.attempt_not_recorded");
        }
    }

    /** Keeps what a refresh does not change: the token type, the scope, a console account's API key. */
    private static TokenBundle adopted(TokenBundle held, String accessToken, String refreshToken) {
        return new TokenBundle(accessToken, refreshToken, held.tokenType(), held.scope(), held.apiKey());
    }

    /** One alert per quiet period that says what to change, not one per adoption. */
    private Alert secondRefresherAlert(String accountId, String name, long baseVersion, long version, Instant now) {
        return Alert.secondRefresher(
                accountId,
                name,
                now,
                baseVersion,
                version,
                secondRefresher.alertQuiet(),
                refreshLead,
                BETTER_CCFLARE_REFRESH_WINDOW);
    }

    /**
     * A proxy's agent says it serves the account: from now on a refused refresh of it is held for the
     * grace window before the account is called dead.
     */
    public AgentHandshake agentServes(AccountId id) {
        String accountId = id.value();
        StructuredLog.putContext("accountId", accountId);
        if (agents.isEmpty()) {
            throw new ReauthException.InvalidRequest("not_supported", "This stack does not track agents");
        }
        if (!agents.get().agentSeen(accountId, clock.instant())) {
            throw new ReauthException.AccountNotFound("No account with id '" + accountId + "'");
        }
        LOG.info("agent.seen");
        return new AgentHandshake(secondRefresher.deadGrace(), refreshLead);
    }

    /** Imports an account a proxy holds, unless one by that name exists already (then nothing changes). */
    public Imported importAccount(
            AccountName name, AccountMode mode, OptionalLong priority, TokenBundle tokens, Instant expiresAt) {
        return importAccount(name, mode, priority, tokens, expiresAt, Optional.empty());
    }

    /**
     * As above, with the refresh token's absolute deadline where the proxy knows it; without one the deadline
     * is unknown until reauth's first refresh, whose answer names it.
     */
    public Imported importAccount(
            AccountName name,
            AccountMode mode,
            OptionalLong priority,
            TokenBundle tokens,
            Instant expiresAt,
            Optional<Instant> refreshTokenExpiresAt) {
        Optional<Account> existing = accounts.findByName(name);
        if (existing.isPresent()) {
            LOG.info("import.exists", "accountId", existing.get().id());
            return new Imported(existing.get().id(), false, existing.get().tokenVersion(), false);
        }
        String id = UUID.randomUUID().toString();
        StructuredLog.putContext("accountId", id);
        // bound from the start when the provider can say whose the tokens are: no first login takes it
        Optional<ProviderIdentity> identity = trust.identityForImport(tokens.accessToken());
        Instant now = clock.instant();
        ledger.createImported(
                id,
                name.value(),
                mode,
                priority,
                new SealedTokens(vault.seal(id, tokens), expiresAt, identity, refreshTokenExpiresAt),
                now);
        LOG.info("import.created", "mode", mode.wire(), "bound", identity.isPresent());
        publish(new TokenEvent(TokenEvent.TOKENS_ROTATED, id, name.value(), 1, now));
        return new Imported(id, true, 1, identity.isPresent());
    }

    static ReauthException versionMoved(long current) {
        return new ReauthException.SessionUsed(
                "version_moved",
                "reauth's tokens moved on to token_version " + current + ": take those instead of adopting");
    }

    private void alert(Alert alert) {
        try {
            alerts.publish(alert);
        } catch (ReauthException.DependencyFailed e) {
            LOG.error("alert.failed", e, "kind", alert.kind().wire());
        }
    }

    private void publish(TokenEvent event) {
        try {
            events.publish(event);
        } catch (ReauthException.DependencyFailed failure) {
            LOG.error("fleet.notify_failed", failure, "eventType", event.type(), "tokenVersion", event.tokenVersion());
        }
    }
}
