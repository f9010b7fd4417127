package dev.reauth.link;

import dev.reauth.config.LinkSettings;
import dev.reauth.domain.Account;
import dev.reauth.domain.AccountDirectory;
import dev.reauth.domain.AccountId;
import dev.reauth.domain.AccountName;
import dev.reauth.domain.CallbackRequest;
import dev.reauth.domain.CompletedAuthorization;
import dev.reauth.domain.ReauthException;
import dev.reauth.domain.ReauthService;
import dev.reauth.domain.StartedAuthorization;
import dev.reauth.log.StructuredLog;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * One-time re-auth links: issue and revoke them (operators, the refresher), and serve their holder,
 * who may re-authenticate the link's one account and nothing else. No AWS types: storage is a port.
 */
public final class LinkService implements LinkIssuer {

    /** What a started session records as its initiator when a link started it. */
    public static final String LINK_INITIATOR = "re-auth link";
    /** Stored links outlive their expiry by this, so a late visit is told "expired" or "used", not "unknown". */
    static final Duration KEEP_AFTER_EXPIRY = Duration.ofDays(1);

    private static final StructuredLog LOG = StructuredLog.of(LinkService.class);

    private final AccountDirectory accounts;
    private final LinkedAccounts linkedAccounts;
    private final LinkStore store;
    private final ReauthService reauth;
    private final LinkSettings settings;
    private final Duration completionLease;
    private final Clock clock;
    private final Supplier<SecureRandom> randomness;

    /**
     * @param completionLease how long one completion holds the link (the session claim's lease)
     * @param randomness      called once per issue, inside the request: never at init (SnapStart)
     */
    public LinkService(
            AccountDirectory accounts,
            LinkedAccounts linkedAccounts,
            LinkStore store,
            ReauthService reauth,
            LinkSettings settings,
            Duration completionLease,
            Clock clock,
            Supplier<SecureRandom> randomness) {
        this.accounts = accounts;
        this.linkedAccounts = linkedAccounts;
        this.store = store;
        this.reauth = reauth;
        this.settings = settings;
        this.completionLease = completionLease;
        this.clock = clock;
        this.randomness = randomness;
    }

    /**
     * POST /accounts/{name}/link: a fresh link for the named account, replacing its earlier one. An account
     * bound to no provider identity binds to whoever logs in first, so its link needs {@code bindFirstLogin}:
     * the operator's explicit choice.
     *
     * @throws ReauthException.AccountUnbound when the account is unbound and {@code bindFirstLogin} is false
     */
    public IssuedLink issue(AccountName name, Optional<String> issuedBy, boolean bindFirstLogin) {
        Account account = existing(name);
        LinkedAccount linked = linked(account.id(), account.name());
        if (!bindFirstLogin) {
            requireBound(linked);
        }
        return store(linked, issuedBy.orElse("unknown"), bindFirstLogin);
    }

    /**
     * The refresher's link for a dead account's alert. Never for an unbound account: whoever reads the
     * alert could log in with their own provider account and take the fleet's slot.
     *
     * @throws ReauthException.AccountUnbound when the account is bound to no provider identity
     */
    @Override
    public IssuedLink issue(String accountId, String accountName, String issuedBy) {
        LinkedAccount linked = linked(accountId, accountName);
        requireBound(linked);
        return store(linked, issuedBy, false);
    }

    private LinkedAccount linked(String accountId, String accountName) {
        return linkedAccounts
                .find(accountId)
                .orElseThrow(() -> new ReauthException.AccountNotFound("No account named '" + accountName + "'"));
    }

    private static void requireBound(LinkedAccount account) {
        String accountName = account.name();
        if (account.identity().isEmpty()) {
            LOG.warn("link.refused_unbound", "accountId", account.id());
            throw new ReauthException.AccountUnbound("Account '" + accountName
                    + "' is bound to no provider account yet: whoever logs in first through a link would own it."
                    + " Re-authenticate it yourself (reauth --reauthenticate " + accountName + "), or, knowing that,"
                    + " issue the link with: reauth link " + accountName + " --bind-first-login");
        }
    }

    private IssuedLink store(LinkedAccount account, String issuedBy, boolean bindFirstLogin) {
        String accountId = account.id();
        String accountName = account.name();
        StructuredLog.putContext("accountId", accountId);
        LinkToken token = LinkToken.generate(randomness.get());
        String url = settings.webBaseUrl()
                .map(base -> base.toString().replaceAll("/+$", "") + "/r/" + token.value())
                .orElseThrow(() -> new ReauthException.DependencyFailed(
                        "Re-auth links are not configured here (WEB_BASE_URL is not set)", null));
        Instant now = clock.instant();
        Instant expiresAt = now.plus(settings.ttl());
        store.issue(
                new LinkRecord(
                        token.hash(),
                        accountId,
                        accountName,
                        now,
                        expiresAt,
                        0,
                        0,
                        Optional.empty(),
                        true,
                        OptionalLong.of(account.tokenVersion())),
                KEEP_AFTER_EXPIRY);
        LOG.info("link.issued", "expiresAt", expiresAt, "issuedBy", issuedBy, "bindFirstLogin", bindFirstLogin);
        return new IssuedLink(accountId, accountName, url, expiresAt);
    }

    /** DELETE /accounts/{name}/link: ends the account's link; whether one was live. */
    public boolean revoke(AccountName name) {
        Account account = existing(name);
        StructuredLog.putContext("accountId", account.id());
        boolean revoked =
                store.revoke(account.id(), clock.instant(), settings.ttl().plus(KEEP_AFTER_EXPIRY));
        LOG.info("link.revoked", "hadLiveLink", revoked);
        return revoked;
    }

    /** What the link's page shows: its status, and for a usable link, the account and its provider identity. */
    public LinkView view(Optional<LinkToken> token) {
        Optional<LinkRecord> link = token.flatMap(t -> store.find(t.hash()));
        if (link.isEmpty()) {
            return LinkView.unknown();
        }
        LinkRecord record = link.get();
        StructuredLog.putContext("accountId", record.accountId());
        LinkStatus status = record.statusAt(clock.instant(), settings);
        if (status != LinkStatus.ACTIVE) {
            return new LinkView(
                    status, Optional.of(record.accountName()), Optional.empty(), record.expiresAt(), record.spentAt());
        }
        LinkedAccount account = linkedAccounts
                .find(record.accountId())
                .orElseThrow(() -> new ReauthException.AccountNotFound("The account of this link no longer exists"));
        if (record.outlivedBy(account.tokenVersion())) {
            LOG.info(
                    "link.ended_by_token_write",
                    "issuedAtVersion",
                    record.issuedAtVersion().getAsLong());
            return new LinkView(
                    LinkStatus.REVOKED,
                    Optional.of(record.accountName()),
                    Optional.empty(),
                    record.expiresAt(),
                    Optional.empty());
        }
        return new LinkView(
                status, Optional.of(account.name()), account.identity(), record.expiresAt(), Optional.empty());
    }

    /** POST /r/{token}/start: starts re-authenticating the link's account (never another provider account). */
    public StartedAuthorization start(Optional<LinkToken> token) {
        LinkRecord link = usable(token);
        store.claimStart(link, clock.instant(), settings);
        LOG.info("link.start_counted", "starts", link.starts() + 1);
        return reauth.startReauthOf(new AccountId(link.accountId()), Optional.of(LINK_INITIATOR));
    }

    /**
     * POST /r/{token}/complete: finishes a session of the link's account with the pasted {@code code#state}.
     * A session of any other account, or an add, is refused as unknown; success spends the link.
     */
    public CompletedAuthorization complete(Optional<LinkToken> token, String pasted) {
        LinkRecord link = usable(token);
        CallbackRequest request = CallbackRequest.of(pasted, null);
        LinkClaim claim = store.claimCompletion(link, clock.instant(), completionLease, settings);
        CompletedAuthorization done;
        try {
            done = reauth.complete(request, link.accountId());
        } catch (RuntimeException failure) {
            store.release(claim);
            throw failure;
        }
        try {
            store.spend(claim, clock.instant());
            LOG.info("link.spent", "tokenVersion", done.tokenVersion());
        } catch (ReauthException.DependencyFailed failure) {
            // the tokens are committed; the link stays usable for this one account until it expires
            LOG.error("link.spend_failed", failure);
        }
        return done;
    }

    private LinkRecord usable(Optional<LinkToken> token) {
        LinkRecord link =
                token.flatMap(t -> store.find(t.hash())).orElseThrow(() -> new LinkUnusable(LinkStatus.UNKNOWN, null));
        StructuredLog.putContext("accountId", link.accountId());
        LinkStatus status = link.statusAt(clock.instant(), settings);
        if (status != LinkStatus.ACTIVE) {
            LOG.warn("link.refused", "linkStatus", status);
            throw new LinkUnusable(status, link.accountName());
        }
        if (link.issuedAtVersion().isPresent()
                && linkedAccounts
                        .find(link.accountId())
                        .map(account -> link.outlivedBy(account.tokenVersion()))
                        .orElse(false)) {
            // the account's tokens were written since (re-authenticated, refreshed or adopted): the link is over
            LOG.warn("link.refused", "linkStatus", LinkStatus.REVOKED, "endedByTokenWrite", true);
            throw new LinkUnusable(LinkStatus.REVOKED, link.accountName());
        }
        return link;
    }

    private Account existing(AccountName name) {
        return accounts.findByName(name)
                .orElseThrow(() -> new ReauthException.AccountNotFound("No account named '" + name.value() + "'"));
    }
}
