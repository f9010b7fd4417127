package dev.reauth.handler;

import dev.reauth.config.RefreshSettings;
import dev.reauth.domain.InMemoryBackend;
import dev.reauth.domain.InMemoryLedger;
import dev.reauth.http.ReauthApi;
import dev.reauth.oauth.AccountMode;
import dev.reauth.refresh.AdoptionTrust;
import dev.reauth.refresh.RefreshService;
import dev.reauth.refresh.TokenIntake;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/** The HTTP API wired over in-memory ports at a fixed time, with the account the events/ files name. */
final class ApiFixture {

    static final Instant NOW = Instant.parse("2026-11-26T19:36:00Z");
    static final String DEMO_ID = "5f0c7a1e-demo-account-id";

    final InMemoryBackend backend = new InMemoryBackend();
    final InMemoryLedger ledger = new InMemoryLedger(backend);
    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    final RefreshSettings settings = new RefreshSettings(
            "refresh-index",
            4,
            Duration.ofMinutes(60),
            2,
            Duration.ofMinutes(2),
            Duration.ofSeconds(30),
            Duration.ofSeconds(1),
            Optional.empty());
    final RefreshService refresher = new RefreshService(
            ledger, backend, backend, backend, backend, settings, List.of("user:profile", "user:inference"), clock);
    final ReauthApi api = new ReauthApi(
            backend.service(clock),
            refresher,
            new TokenIntake(
                    ledger,
                    backend,
                    backend,
                    backend,
                    backend,
                    clock,
                    new AdoptionTrust(ledger, backend, backend, 6, clock)),
            settings.healthRules(),
            clock);

    ApiFixture() {
        backend.seed(DEMO_ID, "demo", AccountMode.MAX, 4);
    }
}
