package dev.reauth.local;

import dev.reauth.cli.Durations;
import java.time.Duration;
import java.util.Optional;

/**
 * What infra/local-run asked for. The script checks the arguments before it installs or builds
 * anything; this checks them again, for direct calls.
 *
 * @param tokenLifetime with --serve: how long the local provider's access tokens live (the refresher's
 *                      lead window is a third of it); empty: 8 hours, as Anthropic's
 * @param refreshTokenLifetime with --serve: each login's refresh token stops working this long after it
 *                      (the expiring alert comes at half of it); empty: no deadline
 */
record LocalRunOptions(
        boolean serve,
        boolean anthropic,
        int port,
        Optional<Duration> tokenLifetime,
        Optional<Duration> refreshTokenLifetime) {

    LocalRunOptions(boolean serve, boolean anthropic, int port, Optional<Duration> tokenLifetime) {
        this(serve, anthropic, port, tokenLifetime, Optional.empty());
    }

    static final String USAGE = "usage: infra/local-run [--serve] [--port N] [--anthropic] [--token-lifetime DURATION]"
            + " [--refresh-token-lifetime DURATION]"
            + "   (infra/local-run --help says more)";
    static final Duration SHORTEST_LIFETIME = Duration.ofMinutes(1);
    static final Duration LONGEST_LIFETIME = Duration.ofHours(24);

    /** The refresher's lead window for a token lifetime: a third of it, so a token is refreshed after two thirds of its life. */
    static Duration leadFor(Duration lifetime) {
        return lifetime.dividedBy(3);
    }

    static LocalRunOptions parse(String[] args) {
        boolean serve = false;
        boolean anthropic = false;
        int port = 8787;
        Optional<Duration> lifetime = Optional.empty();
        Optional<Duration> refreshLifetime = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--serve" -> serve = true;
                case "--anthropic" -> anthropic = true;
                case "--port" -> port = port(i + 1 < args.length ? args[++i] : "");
                case "--token-lifetime" -> lifetime = Optional.of(lifetime(i + 1 < args.length ? args[++i] : ""));
                case "--refresh-token-lifetime" ->
                    refreshLifetime = Optional.of(lifetime(i + 1 < args.length ? args[++i] : ""));
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        if (lifetime.isPresent() && !serve) {
            throw new IllegalArgumentException(
                    "--token-lifetime goes with --serve (the refresh schedule runs while the API is served)");
        }
        if (lifetime.isPresent() && anthropic) {
            throw new IllegalArgumentException(
                    "--token-lifetime sets the local provider's token lifetime; Anthropic's is its own");
        }
        if (refreshLifetime.isPresent() && (!serve || anthropic)) {
            throw new IllegalArgumentException("--refresh-token-lifetime goes with --serve and the local provider");
        }
        return new LocalRunOptions(serve, anthropic, port, lifetime, refreshLifetime);
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("--port needs a number from 0 to 65535, not '" + value + "'");
    }

    private static Duration lifetime(String value) {
        Duration lifetime;
        try {
            lifetime = Durations.parse(value);
        } catch (IllegalArgumentException e) {
            lifetime = Duration.ZERO;
        }
        if (lifetime.compareTo(SHORTEST_LIFETIME) < 0 || lifetime.compareTo(LONGEST_LIFETIME) > 0) {
            throw new IllegalArgumentException(
                    "--token-lifetime needs a duration from 1m to 24h (such as 2m, 90s or 1h), not '" + value + "'");
        }
        return lifetime;
    }
}
