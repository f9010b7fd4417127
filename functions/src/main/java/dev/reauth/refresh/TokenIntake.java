package dev.reauth.refresh;

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
import dev.reauth.wire.TokenBundle;
import dev.reauth.wire.TokenEvent;
import java.time.Clock;
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

    /** What an import did. */
    public record Imported(String accountId, boolean created, long tokenVersion) {}

    private final RefreshLedger ledger;
    private final AccountDirectory accounts;
    private final TokenVault vault;
    private final EventPublisher events;
    private final AlertPublisher alerts;
    private final Clock clock;

    public TokenIntake(
            RefreshLedger ledger,
            AccountDirectory accounts,
            TokenVault vault,
            EventPublisher events,
            AlertPublisher alerts,
            Clock clock) {
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
     */
    public long adopt(AccountId id, long baseVersion, String accessToken, String refreshToken, Instant expiresAt) {
        String accountId = id.value();
        StructuredLog.putContext("accountId", accountId);
        RefreshLedger.Sealed current = ledger.sealed(accountId)
                .orElseThrow(() ->
                        new ReauthException.AccountNotFound("No account with id '" + accountId + "' holds tokens"));
        if (current.tokenVersion() != baseVersion) {
            throw versionMoved(current.tokenVersion());
        }
        // keep what a refresh does not change: the token type, the scope, a console account's API key
        TokenBundle held = vault.open(accountId, current.ciphertext());
        TokenBundle adopted = new TokenBundle(accessToken, refreshToken, held.tokenType(), held.scope(), held.apiKey());
        Instant now = clock.instant();
        OptionalLong version = ledger.adopt(
                accountId,
                baseVersion,
                new SealedTokens(vault.seal(accountId, adopted), expiresAt, Optional.empty()),
                now);
        if (version.isEmpty()) {
            throw versionMoved(ledger.current(accountId, now).tokenVersion());
        }
        LOG.warn(
                "tokens.adopted_from_second_refresher",
                "baseVersion",
                baseVersion,
                "tokenVersion",
                version.getAsLong());
        publish(new TokenEvent(TokenEvent.TOKENS_ROTATED, accountId, current.name(), version.getAsLong(), now));
        try {
            alerts.publish(Alert.secondRefresher(accountId, current.name(), now, baseVersion, version.getAsLong()));
        } catch (ReauthException.DependencyFailed e) {
            LOG.error("alert.failed", e, "kind", Alert.Kind.SECOND_REFRESHER.wire());
        }
        return version.getAsLong();
    }

    /** Imports an account a proxy holds, unless one by that name exists already (then nothing changes). */
    public Imported importAccount(
            AccountName name, AccountMode mode, OptionalLong priority, TokenBundle tokens, Instant expiresAt) {
        Optional<Account> existing = accounts.findByName(name);
        if (existing.isPresent()) {
            LOG.info("import.exists", "accountId", existing.get().id());
            return new Imported(existing.get().id(), false, existing.get().tokenVersion());
        }
        String id = UUID.randomUUID().toString();
        StructuredLog.putContext("accountId", id);
        Instant now = clock.instant();
        ledger.createImported(
                id,
                name.value(),
                mode,
                priority,
                new SealedTokens(vault.seal(id, tokens), expiresAt, Optional.empty()),
                now);
        LOG.info("import.created", "mode", mode.wire());
        publish(new TokenEvent(TokenEvent.TOKENS_ROTATED, id, name.value(), 1, now));
        return new Imported(id, true, 1);
    }

    private static ReauthException versionMoved(long current) {
        return new ReauthException.SessionUsed(
                "version_moved",
                "reauth's tokens moved on to token_version " + current + ": take those instead of adopting");
    }

    private void publish(TokenEvent event) {
        try {
            events.publish(event);
        } catch (ReauthException.DependencyFailed failure) {
            LOG.error("fleet.notify_failed", failure, "eventType", event.type(), "tokenVersion", event.tokenVersion());
        }
    }
}
