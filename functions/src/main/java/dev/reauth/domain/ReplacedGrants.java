package dev.reauth.domain;

import dev.reauth.log.StructuredLog;
import java.util.Optional;

/**
 * Revokes what a re-authentication replaces, as the official client does on a new login: the
 * previous refresh token is read before the write and revoked at the provider only after the new
 * tokens are committed, and only when this write is the one that replaced it. Best effort: a failure
 * is logged by outcome and never fails the re-authentication.
 */
public final class ReplacedGrants {

    private static final StructuredLog LOG = StructuredLog.of(ReplacedGrants.class);

    /** The account's tokens as stored now: their version and ciphertext. */
    @FunctionalInterface
    public interface CurrentTokens {
        Optional<Held> held(String accountId);
    }

    /** Sealed tokens held by an account. {@link #toString()} hides the ciphertext. */
    public record Held(long tokenVersion, byte[] ciphertext) {
        @Override
        public String toString() {
            return "Held[tokenVersion=" + tokenVersion + ", ***]";
        }
    }

    /** The refresh token a write is about to replace. {@link #toString()} hides it. */
    public record Replaced(String accountId, long tokenVersion, String refreshToken) {
        @Override
        public String toString() {
            return "Replaced[tokenVersion=" + tokenVersion + ", refreshToken=***]";
        }
    }

    private final CurrentTokens current;
    private final TokenVault vault;
    private final AuthorizationServer provider;

    public ReplacedGrants(CurrentTokens current, TokenVault vault, AuthorizationServer provider) {
        this.current = current;
        this.vault = vault;
        this.provider = provider;
    }

    /** Before the write: the refresh token it will replace, when the account holds one. Never throws. */
    Optional<Replaced> before(String accountId) {
        try {
            return current.held(accountId)
                    .map(held -> new Replaced(
                            accountId,
                            held.tokenVersion(),
                            vault.open(accountId, held.ciphertext()).refreshToken()));
        } catch (RuntimeException unreadable) {
            LOG.warn(
                    "revoke.previous_unreadable", "error", unreadable.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    /**
     * After the commit: revokes the replaced refresh token when the committed version is the one right
     * after it (otherwise another write replaced it first, and that one is not ours to revoke). Never throws.
     */
    void revoke(Replaced replaced, long committedVersion) {
        if (committedVersion != replaced.tokenVersion() + 1) {
            LOG.info(
                    "revoke.skipped_version_moved",
                    "replacedVersion",
                    replaced.tokenVersion(),
                    "committedVersion",
                    committedVersion);
            return;
        }
        RevocationOutcome outcome;
        try {
            outcome = provider.revoke(replaced.refreshToken());
        } catch (RuntimeException failure) {
            outcome = RevocationOutcome.FAILED;
        }
        if (outcome == RevocationOutcome.REVOKED || outcome == RevocationOutcome.OFF) {
            LOG.info(
                    "revoke." + outcome.name().toLowerCase(java.util.Locale.ROOT),
                    "replacedVersion",
                    replaced.tokenVersion());
        } else {
            LOG.warn(
                    "revoke." + outcome.name().toLowerCase(java.util.Locale.ROOT),
                    "replacedVersion",
                    replaced.tokenVersion());
        }
    }
}
