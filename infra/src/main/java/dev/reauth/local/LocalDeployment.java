package dev.reauth.local;

import dev.reauth.aws.AwsClients;
import dev.reauth.config.ReauthConfig;
import dev.reauth.handler.Wiring;
import dev.reauth.provider.HttpAuthorizationServer;
import dev.reauth.refresh.ExpiringAlerts;
import dev.reauth.refresh.ScheduledRefresh;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole stack on this machine: the stack's resources on the emulator, the local OAuth provider
 * (or the real Anthropic endpoints), and the HTTP API on loopback, wired as the functions are.
 */
public final class LocalDeployment implements AutoCloseable {

    private final LocalStack aws;
    private final LocalOAuthProvider provider;
    private Map<String, String> environment;
    private ReauthConfig config;
    private final LocalApi api;
    private ScheduledRefresh schedule;
    private ExpiringAlerts expiring;

    private LocalDeployment(boolean localProvider, int port, Map<String, String> overrides) {
        aws = LocalStack.create();
        provider = localProvider ? LocalOAuthProvider.start() : null;
        api = LocalApi.start(
                base -> {
                    // the web API is this same local API: links point at it
                    Map<String, String> env = new LinkedHashMap<>(
                            aws.functionEnvironment(provider != null ? provider.environment() : Map.of()));
                    env.put("WEB_BASE_URL", base.toString());
                    if (provider != null) {
                        // as the official client does: a new login revokes the grant it replaced
                        env.put("OAUTH_REVOKE_URL", provider.revokeUrl().toString());
                    }
                    env.putAll(overrides);
                    environment = Map.copyOf(env);
                    config = ReauthConfig.from(environment);
                    Wiring.Graph graph = graph(config);
                    schedule = graph.schedule();
                    expiring = graph.expiring();
                    if (config.revokeUrl().isEmpty()) {
                        return graph;
                    }
                    // as deployed, OAUTH_REVOKE_URL is the callback function's alone: the web function (link
                    // pages) may not read or open tokens, so its logins do not revoke (docs/security.md)
                    Map<String, String> web = new LinkedHashMap<>(environment);
                    web.put("OAUTH_REVOKE_URL", "");
                    return new Wiring.Graph(
                            graph.api(), schedule, graph(ReauthConfig.from(web)).web(), expiring);
                },
                port);
    }

    private static Wiring.Graph graph(ReauthConfig config) {
        return Wiring.graph(
                config,
                AwsClients.create(config, LocalStack.CREDENTIALS, List.of()),
                new HttpAuthorizationServer(
                        config.provider(),
                        config.providerTimeout(),
                        config.providerTimeout(),
                        config.providerUserAgent(),
                        config.revokeUrl()),
                Clock.systemUTC());
    }

    /** Stands the stack up with the local provider; {@code overrides} replace function environment variables. */
    public static LocalDeployment withLocalProvider(int port, Map<String, String> overrides) {
        return new LocalDeployment(true, port, overrides);
    }

    /** Stands the stack up against the real Anthropic endpoints (the template's defaults); {@code overrides} replace function environment variables. */
    public static LocalDeployment withAnthropic(int port, Map<String, String> overrides) {
        return new LocalDeployment(false, port, overrides);
    }

    public LocalStack aws() {
        return aws;
    }

    /** The local provider; null with the real endpoints. */
    public LocalOAuthProvider provider() {
        return provider;
    }

    public LocalApi api() {
        return api;
    }

    /** One run of the refresh schedule, as RefreshFunction runs it on EventBridge's schedule (the local API serves HTTP only). */
    public ScheduledRefresh schedule() {
        return schedule;
    }

    /** The expiring-deadline warning RefreshFunction runs after each scheduled run. */
    public ExpiringAlerts expiring() {
        return expiring;
    }

    public ReauthConfig config() {
        return config;
    }

    /** The function environment, as template.yaml gives it, pointed at this deployment. */
    public Map<String, String> environment() {
        return environment;
    }

    @Override
    public void close() {
        api.close();
        if (provider != null) {
            provider.close();
        }
    }
}
