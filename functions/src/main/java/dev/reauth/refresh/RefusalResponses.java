package dev.reauth.refresh;

import dev.reauth.domain.Alert;
import dev.reauth.domain.AlertPublisher;
import dev.reauth.domain.ReauthException;
import dev.reauth.log.StructuredLog;
import dev.reauth.wire.TokenEvent;
import java.time.Instant;
import java.util.Optional;

/** What the refresher does about the refusals that are neither dead nor transient (RefusalClassification). */
final class RefusalResponses {

    private static final StructuredLog LOG = StructuredLog.of(RefusalResponses.class);
    /** The alert of a fault of the whole stack names no single account. */
    static final String STACK = "stack";

    private RefusalResponses() {}

    /**
     * The provider suspended the account: proxies stop using it (the fleet hears reauth-required with
     * reason on_hold), and a person hears that the provider suspended it. The alert carries no link:
     * a login does not lift a suspension.
     */
    static RefreshOutcome onHold(RefreshService service, RefreshLedger ledger, LeasedAccount account, Instant now) {
        if (!ledger.markOnHold(account, now)) {
            long currentVersion = ledger.current(account.id(), now).tokenVersion();
            LOG.info(
                    "refresh.stale_token_refused",
                    "leasedVersion",
                    account.tokenVersion(),
                    "currentVersion",
                    currentVersion);
            return new RefreshOutcome.Current(currentVersion);
        }
        LOG.warn("refresh.account_on_hold", "tokenVersion", account.tokenVersion());
        service.publish(new TokenEvent(
                TokenEvent.REAUTH_REQUIRED,
                account.id(),
                account.name(),
                account.tokenVersion(),
                now,
                Optional.of(RefreshLedger.ON_HOLD_REASON)));
        service.alert(Alert.onHold(account.id(), account.name(), now));
        return new RefreshOutcome.Dead(account.tokenVersion(), RefreshLedger.ON_HOLD_REASON);
    }

    /**
     * The provider refuses the stack's OAuth client: no account will refresh until the configuration
     * is fixed, so this is one alert for the stack. The publisher the stack is wired with sends it at
     * most once a day ({@code StackWideAlerts}); a failure to send is logged.
     */
    static void configuration(AlertPublisher alerts, String error, Instant now) {
        try {
            alerts.publish(Alert.configuration(STACK, now, error));
        } catch (ReauthException.DependencyFailed failure) {
            LOG.error("alert.failed", failure, "kind", Alert.Kind.CONFIGURATION.wire());
        }
    }
}
