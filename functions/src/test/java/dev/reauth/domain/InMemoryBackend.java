package dev.reauth.domain;

import dev.reauth.oauth.AccountMode;
import dev.reauth.oauth.AuthorizationCode;
import dev.reauth.oauth.CodeVerifier;
import dev.reauth.oauth.OAuthState;
import dev.reauth.oauth.ProviderConfig;
import dev.reauth.oauth.ProviderIdentity;
import dev.reauth.oauth.TokenResponse;
import dev.reauth.wire.TokenBundle;
import dev.reauth.wire.TokenEvent;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Fast in-memory stand-ins for the ports, for unit tests; the DynamoDB/KMS/SNS adapters are proven in their own tests and the ITs. */
public final class InMemoryBackend
        implements AccountDirectory,
                SessionStore,
                AccountWriter,
                TokenVault,
                EventPublisher,
                AlertPublisher,
                AuthorizationServer,
                ProviderProfile {

    public record StoredSession(OAuthSession session, String claimId, boolean consumed) {}

    /** A service over this backend for every port: Anthropic's provider settings, 10-minute sessions, on {@code clock}. */
    public ReauthService service(Clock clock) {
        return new ReauthService(
                this,
                this,
                this,
                this,
                this,
                this,
                this,
                ProviderConfig.anthropic(),
                Duration.ofMinutes(10),
                clock,
                SecureRandom::new);
    }

    public final Map<String, Account> accounts = new ConcurrentHashMap<>();
    public final Map<String, byte[]> sealed = new ConcurrentHashMap<>();
    public final Map<String, TokenBundle> sealedBundles = new ConcurrentHashMap<>();
    public final Map<String, StoredSession> sessions = new ConcurrentHashMap<>();
    /** Account id to the provider account uuid it is bound to. */
    final Map<String, String> boundIdentities = new ConcurrentHashMap<>();
    /** Name to the add session holding it. */
    final Map<String, OAuthSession> nameReservations = new ConcurrentHashMap<>();

    /** The provider's profile endpoint: whose each access token is (a token not here is refused, as a 401). */
    public final Map<String, ProviderIdentity> profiles = new ConcurrentHashMap<>();
    /** Calls of the profile endpoint, and whether it fails (as unreachable) instead of answering. */
    public final List<String> profileCalls = new ArrayList<>();

    public boolean profileFails;

    /** Account id to the provider account uuid it is bound to. */
    public Map<String, String> boundIdentities() {
        return boundIdentities;
    }

    @Override
    public synchronized Optional<ProviderIdentity> identify(String accessToken) {
        profileCalls.add(accessToken);
        if (profileFails) {
            throw new ReauthException.ProviderFailed("The provider's profile endpoint could not be reached", null);
        }
        return Optional.ofNullable(profiles.get(accessToken));
    }

    boolean writeFails;
    public final List<TokenEvent> published = new ArrayList<>();
    public final List<Alert> alerts = new ArrayList<>();
    public final List<String> exchangedCodes = new ArrayList<>();
    public final List<String> redeemedRefreshTokens = new ArrayList<>();
    boolean publishFails;
    Function<AuthorizationCode, TokenResponse> tokenEndpoint = code -> granted("access-" + code.value());
    /** The provider's refresh grant: a new access token and a rotated refresh token. */
    public Function<String, TokenResponse> refreshEndpoint =
            token -> granted("refreshed-" + (redeemedRefreshTokens.size()));

    public static TokenResponse granted(String accessToken) {
        return new TokenResponse.Granted(
                new TokenBundle(
                        accessToken,
                        "refresh-" + accessToken,
                        "Bearer",
                        Optional.of("user:inference"),
                        Optional.empty()),
                Duration.ofHours(8));
    }

    static TokenResponse grantedTo(String accessToken, String providerAccountUuid, String email) {
        return new TokenResponse.Granted(
                new TokenBundle(
                        accessToken,
                        "refresh-" + accessToken,
                        "Bearer",
                        Optional.of("user:inference"),
                        Optional.empty()),
                Duration.ofHours(8),
                Optional.of(new ProviderIdentity(
                        providerAccountUuid, Optional.of(email), Optional.empty(), Optional.empty())));
    }

    /** An account with a given id, as the events/ files name one. */
    public Account seed(String id, String name, AccountMode mode, long version) {
        Account account = new Account(id, name, mode, version, false);
        accounts.put(id, account);
        return account;
    }

    Account seed(String name, AccountMode mode, long version) {
        return seed(name, mode, version, false);
    }

    Account seed(String name, AccountMode mode, long version, boolean requiresReauth) {
        Account account = new Account(UUID.randomUUID().toString(), name, mode, version, requiresReauth);
        accounts.put(account.id(), account);
        return account;
    }

    @Override
    public Optional<Account> findByName(AccountName name) {
        return accounts.values().stream()
                .filter(a -> a.name().equals(name.value()))
                .findFirst();
    }

    @Override
    public Optional<Account> findById(AccountId id) {
        return Optional.ofNullable(accounts.get(id.value()));
    }

    @Override
    public List<AccountStatus> list() {
        return accounts.values().stream()
                .map(a -> new AccountStatus(
                        a.id(),
                        a.name(),
                        a.mode(),
                        Optional.empty(),
                        false,
                        a.tokenVersion(),
                        Optional.empty(),
                        Optional.ofNullable(boundIdentities.get(a.id()))
                                .map(uuid -> new ProviderIdentity(
                                        uuid, Optional.empty(), Optional.empty(), Optional.empty())),
                        RefreshHealth.NONE))
                .toList();
    }

    @Override
    public synchronized void create(OAuthSession session) {
        if (session.intent() == SessionIntent.ADD) {
            OAuthSession holder = nameReservations.get(session.accountName());
            if (holder != null && !holder.isExpiredAt(session.createdAt())) {
                throw new ReauthException.NameReserved("reserved");
            }
            nameReservations.put(session.accountName(), session);
        }
        if (sessions.putIfAbsent(session.stateHash(), new StoredSession(session, null, false)) != null) {
            throw new IllegalStateException("duplicate session");
        }
    }

    @Override
    public synchronized ClaimedSession claim(String stateHash, Instant now) {
        StoredSession stored = sessions.get(stateHash);
        if (stored == null) {
            throw new ReauthException.InvalidRequest("invalid_state", "Unknown authorization session");
        }
        if (stored.consumed()) {
            throw new ReauthException.SessionUsed("session_used", "used");
        }
        if (stored.session().isExpiredAt(now)) {
            throw new ReauthException.SessionExpired("expired");
        }
        if (stored.claimId() != null) {
            throw new ReauthException.SessionUsed("session_in_progress", "in progress");
        }
        String claimId = UUID.randomUUID().toString();
        sessions.put(stateHash, new StoredSession(stored.session(), claimId, false));
        return new ClaimedSession(stored.session(), claimId);
    }

    @Override
    public synchronized void release(ClaimedSession claim) {
        sessions.computeIfPresent(
                claim.session().stateHash(),
                (k, s) -> claim.claimId().equals(s.claimId()) ? new StoredSession(s.session(), null, s.consumed()) : s);
    }

    @Override
    public synchronized long rotateTokens(ClaimedSession claim, SealedTokens tokens, Instant now) {
        if (writeFails) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", null);
        }
        Account account = accounts.get(claim.session().accountId());
        if (account == null) {
            throw new ReauthException.AccountNotFound("gone");
        }
        String bound = boundIdentities.get(account.id());
        Optional<String> loggedIn = tokens.identity().map(ProviderIdentity::accountUuid);
        if (bound != null && !claim.session().allowAccountChange() && !loggedIn.equals(Optional.of(bound))) {
            throw new ReauthException.AccountMismatch("bound to " + bound);
        }
        consume(claim);
        loggedIn.ifPresentOrElse(
                uuid -> boundIdentities.put(account.id(), uuid), () -> boundIdentities.remove(account.id()));
        Account rotated = new Account(account.id(), account.name(), account.mode(), account.tokenVersion() + 1, false);
        accounts.put(account.id(), rotated);
        return rotated.tokenVersion();
    }

    @Override
    public synchronized long createAccount(ClaimedSession claim, SealedTokens tokens, Instant now) {
        OAuthSession s = claim.session();
        if (nameReservations.get(s.accountName()) != s) {
            throw new ReauthException.AccountExists("name taken");
        }
        consume(claim);
        accounts.put(s.accountId(), new Account(s.accountId(), s.accountName(), s.mode(), 1, false));
        tokens.identity().ifPresent(identity -> boundIdentities.put(s.accountId(), identity.accountUuid()));
        return 1;
    }

    private void consume(ClaimedSession claim) {
        StoredSession stored = sessions.get(claim.session().stateHash());
        if (!claim.claimId().equals(stored.claimId()) || stored.consumed()) {
            throw new ReauthException.SessionUsed("session_in_progress", "lost");
        }
        sessions.put(claim.session().stateHash(), new StoredSession(stored.session(), stored.claimId(), true));
    }

    @Override
    public byte[] seal(String accountId, TokenBundle bundle) {
        byte[] ciphertext = ("sealed:" + accountId).getBytes();
        sealed.put(accountId, ciphertext);
        sealedBundles.put(accountId, bundle);
        return ciphertext;
    }

    @Override
    public TokenBundle open(String accountId, byte[] ciphertext) {
        return sealedBundles.get(accountId);
    }

    @Override
    public synchronized void publish(Alert alert) {
        alerts.add(alert);
    }

    @Override
    public synchronized void publish(TokenEvent event) {
        if (publishFails) {
            throw new ReauthException.DependencyFailed("SNS down", null);
        }
        published.add(event);
    }

    @Override
    public synchronized TokenResponse exchange(
            AuthorizationCode code, OAuthState state, CodeVerifier verifier, String redirectUri) {
        exchangedCodes.add(code.value());
        return tokenEndpoint.apply(code);
    }

    @Override
    public synchronized TokenResponse refresh(String refreshToken, List<String> scopes) {
        redeemedRefreshTokens.add(refreshToken);
        return refreshEndpoint.apply(refreshToken);
    }

    @Override
    public String createApiKey(String accessToken) {
        return "sk-ant-api-for-" + accessToken;
    }
}
