package dev.reauth.refresh;

import dev.reauth.config.AdoptionSettings;
import dev.reauth.domain.Alert;
import dev.reauth.domain.AlertPublisher;
import dev.reauth.domain.ProviderProfile;
import dev.reauth.domain.ReauthException;
import dev.reauth.log.StructuredLog;
import dev.reauth.oauth.ProviderIdentity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What an adoption must pass before its tokens replace anything: the account's rate limit, then the
 * provider's word on whose the offered access token is, which must be the provider account the account is
 * bound to. Another identity is refused (409 {@code account_mismatch}) with an {@code adoption_refused}
 * alert; an unchecked token is never believed (503 {@code identity_unverified} when the profile endpoint
 * cannot answer, 400 {@code invalid_token} when it refuses the token). An account bound to no identity yet
 * is bound to the one the provider names, in the adoption's own compare-and-set.
 *
 * <p>The check lives in the adoption route only: the refresher's grace window (GraceDeathVerdict) is not
 * touched, and a slow profile endpoint costs at most its timeout before the agent hears 503 and retries.
 */
public final class AdoptionTrust {

    private static final StructuredLog LOG = StructuredLog.of(AdoptionTrust.class);

    private final AdoptionLedger ledger;
    private final ProviderProfile profile;
    private final AlertPublisher alerts;
    private final int perMinute;
    private final Clock clock;

    public AdoptionTrust(
            AdoptionLedger ledger, ProviderProfile profile, AlertPublisher alerts, int perMinute, Clock clock) {
        this.ledger = ledger;
        this.profile = profile;
        this.alerts = alerts;
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /**
     * Checks an adoption of tokens a proxy got by refreshing {@code baseVersion} itself.
     *
     * @return the identity behind the offered tokens: the account's own, or the one to bind an unbound account to
     * @throws ReauthException.RateLimited     over the account's limit (nothing else was asked)
     * @throws ReauthException.SessionUsed     {@code version_moved}: reauth's tokens moved past the base
     * @throws ReauthException.AccountMismatch the tokens belong to another provider account (alerted)
     */
    public ProviderIdentity verify(String accountId, String accountName, long baseVersion, String accessToken) {
        Instant now = clock.instant();
        AdoptionLedger.Admission admission = ledger.admit(accountId, perMinute, AdoptionSettings.WINDOW, now);
        if (admission instanceof AdoptionLedger.Admission.Limited limited) {
            LOG.warn("adopt.rate_limited", "perMinute", perMinute);
            throw new ReauthException.RateLimited(
                    "More than " + perMinute + " adoptions for this account within a minute; try again in "
                            + seconds(limited.retryAfter()) + " s",
                    limited.retryAfter());
        }
        AdoptionLedger.Admission.Admitted admitted = (AdoptionLedger.Admission.Admitted) admission;
        if (admitted.tokenVersion() != baseVersion) {
            throw TokenIntake.versionMoved(admitted.tokenVersion());
        }
        ProviderIdentity offered = identify(accessToken);
        Optional<String> bound = admitted.boundAccountUuid();
        if (bound.isEmpty()) {
            LOG.warn("adopt.binds_unbound_account");
            return offered;
        }
        if (!bound.get().equals(offered.accountUuid())) {
            LOG.warn("adopt.identity_mismatch");
            alert(Alert.adoptionRefused(accountId, accountName, now, bound.get(), offered.accountUuid()));
            throw new ReauthException.AccountMismatch("The offered tokens belong to provider account "
                    + offered.accountUuid() + ", but this account is bound to " + bound.get()
                    + ". Nothing was adopted; the proxy should take reauth's tokens for it.");
        }
        return offered;
    }

    /** The provider's answer for the offered token: refused when it cannot be had. */
    private ProviderIdentity identify(String accessToken) {
        Optional<ProviderIdentity> identity;
        try {
            identity = profile.identify(accessToken);
        } catch (ReauthException.ProviderFailed unavailable) {
            LOG.warn("adopt.identity_unverified", "cause", unavailable.description());
            throw new ReauthException.IdentityUnverified("The provider's profile endpoint could not say whose the"
                    + " offered tokens are, so nothing was adopted; the same adoption may be tried again.");
        }
        return identity.orElseThrow(() -> {
            LOG.warn("adopt.token_refused_by_provider");
            return new ReauthException.InvalidRequest(
                    "invalid_token",
                    "The provider does not accept the offered access token (unknown, expired or revoked):"
                            + " nothing was adopted.");
        });
    }

    /**
     * The identity behind tokens being imported, when the provider's profile endpoint can say; empty
     * when it refuses the token or cannot answer (the account is then imported unbound).
     */
    public Optional<ProviderIdentity> identityForImport(String accessToken) {
        try {
            Optional<ProviderIdentity> identity = profile.identify(accessToken);
            if (identity.isEmpty()) {
                LOG.info("import.identity_unchecked", "cause", "token_refused");
            }
            return identity;
        } catch (ReauthException.ProviderFailed unavailable) {
            LOG.warn("import.identity_unchecked", "cause", unavailable.description());
            return Optional.empty();
        }
    }

    private static long seconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    private void alert(Alert alert) {
        try {
            alerts.publish(alert);
        } catch (ReauthException.DependencyFailed e) {
            LOG.error("alert.failed", e, "kind", alert.kind().wire());
        }
    }
}
