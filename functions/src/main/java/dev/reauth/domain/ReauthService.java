package dev.reauth.domain;

import dev.reauth.log.StructuredLog;
import dev.reauth.oauth.AccountMode;
import dev.reauth.oauth.CodeVerifier;
import dev.reauth.oauth.OAuthState;
import dev.reauth.oauth.ProviderConfig;
import dev.reauth.oauth.TokenResponse;
import dev.reauth.wire.TokenBundle;
import dev.reauth.wire.TokenEvent;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Re-authentication of proxy accounts: start an authorization, finish it from the provider's
 * callback, and ask the fleet to reload an account. No AWS types here: storage, KMS, SNS and the
 * provider sit behind the ports given to the constructor.
 */
public final class ReauthService {

    private static final StructuredLog LOG = StructuredLog.of(ReauthService.class);

    private final AccountDirectory accounts;
    private final SessionStore sessions;
    private final AccountWriter writer;
    private final TokenVault vault;
    private final EventPublisher events;
    private final AlertPublisher alerts;
    private final Optional<ReplacedGrants> replaced;
    private final AuthorizationServer provider;
    private final ProviderConfig providerConfig;
    private final Duration sessionTtl;
    private final Clock clock;
    private final Supplier<SecureRandom> randomness;

    /**
     * @param randomness called once per start, inside the request: a SnapStart snapshot must never
     *                   carry random state that every restored instance would share
     */
    public ReauthService(
            AccountDirectory accounts,
            SessionStore sessions,
            AccountWriter writer,
            TokenVault vault,
            EventPublisher events,
            AlertPublisher alerts,
            AuthorizationServer provider,
            ProviderConfig providerConfig,
            Duration sessionTtl,
            Clock clock,
            Supplier<SecureRandom> randomness) {
        this(
                accounts,
                sessions,
                writer,
                vault,
                events,
                alerts,
                provider,
                providerConfig,
                sessionTtl,
                clock,
                randomness,
                Optional.empty());
    }

    /** @param replaced revokes the refresh token a re-authentication replaces (empty: revocation off) */
    public ReauthService(
            AccountDirectory accounts,
            SessionStore sessions,
            AccountWriter writer,
            TokenVault vault,
            EventPublisher events,
            AlertPublisher alerts,
            AuthorizationServer provider,
            ProviderConfig providerConfig,
            Duration sessionTtl,
            Clock clock,
            Supplier<SecureRandom> randomness,
            Optional<ReplacedGrants> replaced) {
        this.replaced = replaced;
        this.accounts = accounts;
        this.sessions = sessions;
        this.writer = writer;
        this.vault = vault;
        this.events = events;
        this.alerts = alerts;
        this.provider = provider;
        this.providerConfig = providerConfig;
        this.sessionTtl = sessionTtl;
        this.clock = clock;
        this.randomness = randomness;
    }

    /** Starts re-authenticating an existing account: POST /accounts/{name}/reauth. */
    public StartedAuthorization startReauth(AccountName name, Optional<String> initiator) {
        return startReauth(name, initiator, false);
    }

    /**
     * Starts re-authenticating an existing account.
     *
     * @param allowAccountChange the operator accepts tokens of another provider account than the one
     *                           the account is bound to (an explicit choice, made when starting)
     */
    public StartedAuthorization startReauth(AccountName name, Optional<String> initiator, boolean allowAccountChange) {
        Account account = named(name);
        StructuredLog.putContext("accountId", account.id());
        return begin(
                SessionIntent.REAUTH,
                account.id(),
                name.value(),
                account.mode(),
                account.tokenVersion(),
                initiator,
                allowAccountChange,
                account.requiresReauth());
    }

    /**
     * Starts re-authenticating the account with this id, as a re-auth link does: never with another
     * provider account than the one the account is bound to.
     */
    public StartedAuthorization startReauthOf(AccountId id, Optional<String> initiator) {
        Account account = accounts.findById(id)
                .orElseThrow(() -> new ReauthException.AccountNotFound("The account of this link no longer exists"));
        StructuredLog.putContext("accountId", account.id());
        return begin(
                SessionIntent.REAUTH,
                account.id(),
                account.name(),
                account.mode(),
                account.tokenVersion(),
                initiator,
                false,
                account.requiresReauth());
    }

    /** Starts adding a new account: POST /accounts. */
    public StartedAuthorization startAdd(AccountName name, AccountMode mode, Optional<String> initiator) {
        if (accounts.findByName(name).isPresent()) {
            throw new ReauthException.AccountExists("An account named '" + name.value() + "' already exists");
        }
        String accountId = UUID.randomUUID().toString();
        StructuredLog.putContext("accountId", accountId);
        return begin(SessionIntent.ADD, accountId, name.value(), mode, 0, initiator, true, false);
    }

    private StartedAuthorization begin(
            SessionIntent intent,
            String accountId,
            String name,
            AccountMode mode,
            long baseTokenVersion,
            Optional<String> initiator,
            boolean allowAccountChange,
            boolean accountRequiredReauth) {
        SecureRandom random = randomness.get();
        CodeVerifier verifier = CodeVerifier.generate(random);
        OAuthState state = OAuthState.generate(random);
        Instant now = clock.instant();
        Instant expiresAt = now.plus(sessionTtl);
        sessions.create(new OAuthSession(
                state.hash(),
                intent,
                accountId,
                name,
                mode,
                verifier,
                providerConfig.redirectUri(),
                initiator,
                now,
                expiresAt,
                baseTokenVersion,
                allowAccountChange,
                accountRequiredReauth));
        LOG.info(
                "authorization.started",
                "intent",
                intent,
                "mode",
                mode.wire(),
                "expiresAt",
                expiresAt,
                "allowAccountChange",
                allowAccountChange);
        return new StartedAuthorization(name, mode, providerConfig.authorizationUrl(mode, verifier, state), expiresAt);
    }

    /**
     * Finishes an authorization: claims the session, exchanges the code, seals and writes the tokens,
     * consumes the session, then tells the fleet. A refused or failed exchange gives the session back,
     * and so does a login by another provider account than the one the account is bound to.
     */
    public CompletedAuthorization complete(CallbackRequest request) {
        return complete(request, Optional.empty());
    }

    /**
     * Finishes an authorization only if it re-authenticates the account {@code boundAccountId} (a re-auth
     * link's): a session of any other account, or one that adds an account, is refused as unknown and left as it was.
     */
    public CompletedAuthorization complete(CallbackRequest request, String boundAccountId) {
        return complete(request, Optional.of(boundAccountId));
    }

    private CompletedAuthorization complete(CallbackRequest request, Optional<String> boundAccountId) {
        ClaimedSession claim = sessions.claim(request.state().hash(), clock.instant());
        OAuthSession session = claim.session();
        if (boundAccountId.isPresent()
                && (session.intent() != SessionIntent.REAUTH
                        || !session.accountId().equals(boundAccountId.get()))) {
            sessions.release(claim);
            LOG.warn("authorization.other_account_refused");
            throw new ReauthException.InvalidRequest(
                    "invalid_state",
                    "This code belongs to a login for another account: use the code this page's Log in button led to");
        }
        StructuredLog.putContext("accountId", session.accountId());
        if (!request.state().hashMatches(session.stateHash())) {
            // unreachable while the store is keyed by the hash; kept so a store change cannot weaken the check
            sessions.release(claim);
            throw new ReauthException.InvalidRequest("invalid_state", "Unknown authorization session");
        }

        TokenResponse.Granted granted;
        try {
            granted = exchange(request, session);
        } catch (ReauthException failure) {
            sessions.release(claim);
            throw failure;
        }

        SealedTokens sealed;
        long version;
        Instant now;
        Optional<ReplacedGrants.Replaced> previous;
        try {
            if (session.mode() == AccountMode.CONSOLE
                    && providerConfig.apiKeyUrl().isPresent()) {
                TokenBundle tokens = granted.tokens();
                granted = granted.withTokens(tokens.withApiKey(provider.createApiKey(tokens.accessToken())));
            }
            sealed = seal(session, granted);
            // read before the write (never after): the refresh token this login replaces
            previous = session.intent() == SessionIntent.REAUTH
                    ? replaced.flatMap(grants -> grants.before(session.accountId()))
                    : Optional.empty();
            now = clock.instant();
            version = session.intent() == SessionIntent.ADD
                    ? writer.createAccount(claim, sealed, now)
                    : writer.rotateTokens(claim, sealed, now);
        } catch (ReauthException.SessionUsed | ReauthException.AccountNotFound | ReauthException.AccountExists lost) {
            throw lost;
        } catch (ReauthException failure) {
            sessions.release(claim);
            throw codeSpent(failure);
        }
        LOG.info(
                "tokens.committed",
                "intent",
                session.intent(),
                "tokenVersion",
                version,
                "identityKnown",
                granted.identity().isPresent());

        boolean flushed = publish(
                new TokenEvent(TokenEvent.TOKENS_ROTATED, session.accountId(), session.accountName(), version, now));
        if (session.accountRequiredReauth()) {
            alertRecovered(session, version, now, granted);
        }
        // only now that the new tokens are committed: best effort, bounded, never failing the login
        long committed = version;
        previous.ifPresent(p -> replaced.orElseThrow().revoke(p, committed));
        return new CompletedAuthorization(
                session.accountId(),
                session.accountName(),
                version,
                session.intent() == SessionIntent.ADD,
                flushed,
                granted.identity());
    }

    /** The account was dead and is alive again: whoever got the dead-token alert hears it is fixed. */
    private void alertRecovered(OAuthSession session, long version, Instant now, TokenResponse.Granted granted) {
        String by = granted.identity().map(i -> " as " + i.label()).orElse("")
                + session.initiator()
                        .map(principal -> ", started by " + principal)
                        .orElse("");
        try {
            alerts.publish(
                    Alert.recovered(session.accountId(), session.accountName(), now, "Re-authenticated" + by, version));
        } catch (ReauthException.DependencyFailed e) {
            LOG.error("alert.failed", e, "kind", Alert.Kind.RECOVERED.wire());
        }
    }

    /**
     * The provider accepted the code, so it is used up: the operator needs a fresh one, which the same
     * authorization URL gives while the session lives. Says so on failures that happen after the exchange.
     */
    private static ReauthException codeSpent(ReauthException failure) {
        String hint = " The code is used up: open the authorization URL again for a fresh code"
                + " (it stays valid until the session expires).";
        return switch (failure) {
            case ReauthException.DependencyFailed e -> new ReauthException.DependencyFailed(e.description() + hint, e);
            case ReauthException.ProviderFailed e -> new ReauthException.ProviderFailed(e.description() + hint, e);
            default -> failure;
        };
    }

    private TokenResponse.Granted exchange(CallbackRequest request, OAuthSession session) {
        TokenResponse response =
                provider.exchange(request.code(), request.state(), session.verifier(), session.redirectUri());
        return switch (response) {
            case TokenResponse.Granted granted -> granted;
            case TokenResponse.Refused refused
            when refused.isBadCode() -> {
                LOG.warn("exchange.refused", "status", refused.status(), "providerError", refused.error());
                throw new ReauthException.CodeRejected(
                        "The provider rejected the authorization code (wrong, already used"
                                + " or expired): paste the code again, or open the authorization URL again for a fresh code"
                                + " (the session stays open until it expires)");
            }
            case TokenResponse.Refused refused
            when "invalid_request".equals(refused.error())
                    || "invalid_client".equals(refused.error())
                    || "unsupported_grant_type".equals(refused.error()) -> {
                LOG.error("exchange.misconfigured", null, "status", refused.status(), "providerError", refused.error());
                throw new ReauthException.ProviderFailed(
                        "The provider refused the token request as malformed ("
                                + refused.error()
                                + "): check the OAuth configuration (OAUTH_TOKEN_URL, OAUTH_TOKEN_REQUEST_FORMAT,"
                                + " OAUTH_CLIENT_ID, OAUTH_REDIRECT_URI); pasting the code again will not help",
                        null);
            }
            case TokenResponse.Throttled throttled -> {
                LOG.warn(
                        "exchange.throttled",
                        "retryAfterSeconds",
                        throttled.retryAfter().map(Duration::toSeconds).orElse(-1L));
                throw new ReauthException.ProviderFailed(
                        "The provider is rate limiting token requests; paste the code again"
                                + throttled
                                        .retryAfter()
                                        .map(d -> " in " + Math.max(1, d.toSeconds()) + " s")
                                        .orElse(" in a minute"),
                        null);
            }
            case TokenResponse.Refused refused -> {
                LOG.warn("exchange.refused", "status", refused.status(), "providerError", refused.error());
                throw new ReauthException.ProviderFailed(
                        "The provider refused the token request (" + refused.error() + ")", null);
            }
        };
    }

    private SealedTokens seal(OAuthSession session, TokenResponse.Granted granted) {
        // expires_in counts from the provider's answer, so the clock is read after the exchange
        Instant answeredAt = clock.instant();
        return new SealedTokens(
                vault.seal(session.accountId(), granted.tokens()),
                answeredAt.plus(granted.expiresIn()),
                granted.identity(),
                granted.refreshTokenExpiresAt(answeredAt));
    }

    /** Reload: POST /accounts/{id}/reload. Tells the fleet to drop its cached tokens for the account. */
    public Account requestReload(AccountId id) {
        return reload(accounts.findById(id)
                .orElseThrow(() -> new ReauthException.AccountNotFound("No account with id '" + id.value() + "'")));
    }

    /** Reload by name: POST /accounts/by-name/{name}/reload, found through the name index as a re-authentication is. */
    public Account requestReload(AccountName name) {
        return reload(named(name));
    }

    private Account reload(Account account) {
        StructuredLog.putContext("accountId", account.id());
        events.publish(new TokenEvent(
                TokenEvent.RELOAD_REQUESTED, account.id(), account.name(), account.tokenVersion(), clock.instant()));
        LOG.info("reload.published", "tokenVersion", account.tokenVersion());
        return account;
    }

    private Account named(AccountName name) {
        return accounts.findByName(name)
                .orElseThrow(() -> new ReauthException.AccountNotFound("No account named '" + name.value() + "'"));
    }

    /** The token status of every account: GET /accounts. */
    public List<AccountStatus> listAccounts() {
        return accounts.list();
    }

    private boolean publish(TokenEvent event) {
        try {
            events.publish(event);
            LOG.info("fleet.notified", "eventType", event.type(), "tokenVersion", event.tokenVersion());
            return true;
        } catch (ReauthException.DependencyFailed failure) {
            // the tokens are committed; proxies converge by comparing token_version
            LOG.error("fleet.notify_failed", failure, "eventType", event.type(), "tokenVersion", event.tokenVersion());
            return false;
        }
    }
}
