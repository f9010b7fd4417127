package dev.reauth.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.reauth.config.RefreshSettings;
import dev.reauth.domain.AccountDirectory;
import dev.reauth.domain.AccountWriter;
import dev.reauth.domain.AlertPublisher;
import dev.reauth.domain.AuthorizationServer;
import dev.reauth.domain.EventPublisher;
import dev.reauth.domain.ProviderProfile;
import dev.reauth.domain.ReauthService;
import dev.reauth.domain.SessionStore;
import dev.reauth.domain.TokenVault;
import dev.reauth.handler.CallbackHandler;
import dev.reauth.handler.ListAccountsHandler;
import dev.reauth.handler.RefreshHandler;
import dev.reauth.handler.ReloadHandler;
import dev.reauth.handler.StartReauthHandler;
import dev.reauth.oauth.ProviderConfig;
import dev.reauth.refresh.AdoptionLedger;
import dev.reauth.refresh.AdoptionTrust;
import dev.reauth.refresh.RefreshLedger;
import dev.reauth.refresh.RefreshService;
import dev.reauth.refresh.TokenIntake;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The SnapStart hook of each function, called as the runtime calls it before a snapshot. */
class ApiPrimingTest {

    /** Every port refuses to be called: priming must end at the HTTP edge. */
    private final ReauthApi api = apiOverPortsThatMustNotBeCalled();

    private final List<ApiHandler> handlers = List.of(
            new StartReauthHandler(api),
            new CallbackHandler(api),
            new ReloadHandler(api),
            new ListAccountsHandler(api),
            new RefreshHandler(api));

    @Test
    void theHook_runsWithoutTouchingAnyPort_orDrawingRandomness() {
        for (ApiHandler handler : handlers) {
            assertThatCode(() -> handler.snapStartHook().beforeCheckpoint(null))
                    .as(handler.getClass().getSimpleName())
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void theHook_runsTheRoutingAndErrorPaths_404_413_400() {
        for (ApiHandler handler : handlers) {
            assertThat(((ApiPriming) handler.snapStartHook()).prime())
                    .as(handler.getClass().getSimpleName())
                    .containsExactly(404, 413, 400);
        }
    }

    private static ReauthApi apiOverPortsThatMustNotBeCalled() {
        RefreshLedger ledger = refusing(RefreshLedger.class);
        TokenVault vault = refusing(TokenVault.class);
        AuthorizationServer provider = refusing(AuthorizationServer.class);
        EventPublisher events = refusing(EventPublisher.class);
        AlertPublisher alerts = refusing(AlertPublisher.class);
        AccountDirectory accounts = refusing(AccountDirectory.class);
        ReauthService service = new ReauthService(
                accounts,
                refusing(SessionStore.class),
                refusing(AccountWriter.class),
                vault,
                events,
                alerts,
                provider,
                ProviderConfig.anthropic(),
                Duration.ofMinutes(10),
                Clock.systemUTC(),
                () -> {
                    throw new AssertionError("priming drew randomness: a snapshot would carry it");
                });
        RefreshSettings settings = new RefreshSettings(
                "refresh-index",
                4,
                Duration.ofMinutes(60),
                4,
                Duration.ofMinutes(2),
                Duration.ofSeconds(30),
                Duration.ofSeconds(15),
                Optional.empty());
        return new ReauthApi(
                service,
                new RefreshService(ledger, vault, provider, events, alerts, settings, List.of(), Clock.systemUTC()),
                new TokenIntake(
                        ledger,
                        accounts,
                        vault,
                        events,
                        alerts,
                        Clock.systemUTC(),
                        new AdoptionTrust(
                                refusing(AdoptionLedger.class),
                                refusing(ProviderProfile.class),
                                alerts,
                                6,
                                Clock.systemUTC())));
    }

    private static <T> T refusing(Class<T> port) {
        return port.cast(Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "toString" -> port.getSimpleName();
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> proxy == args[0];
                };
            }
            throw new AssertionError("priming called " + port.getSimpleName() + "." + method.getName());
        }));
    }
}
