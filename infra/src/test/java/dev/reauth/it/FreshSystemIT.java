package dev.reauth.it;

import dev.reauth.local.RefreshGrants;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the integration tests that need a system of their own per test (so a schedule run sees only
 * that test's accounts), and after each, proof that nothing secret was logged.
 */
abstract class FreshSystemIT {

    protected ReauthSystem system;
    protected RefreshGrants provider;

    @BeforeEach
    void startSystem() {
        LogCapture.install();
        // room for a loaded machine; timeout faults in these tests wait longer than this
        system = new ReauthSystem(null, Map.of("OAUTH_HTTP_TIMEOUT", "PT5S"));
        provider = system.provider.refreshGrants();
    }

    @AfterEach
    void noSecretWasLogged() {
        try {
            SystemIT.assertNoSecretsLogged(system.secrets());
        } finally {
            system.close();
        }
    }
}
