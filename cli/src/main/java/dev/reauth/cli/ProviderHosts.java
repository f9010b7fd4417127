package dev.reauth.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The hosts an authorization URL may send the operator to: the Anthropic preset's login hosts, hosts
 * named in {@code $REAUTH_PROVIDER_HOSTS} (comma-separated, exact names) for other providers, and
 * loopback while the API itself is on loopback (the local run's provider). Anything else is refused
 * before a browser sees it: an API that was tampered with must not pick the page a password is typed into.
 */
public final class ProviderHosts {

    /** The Anthropic preset's authorize hosts (claude.ai and claude.com for subscriptions, the consoles for API accounts). */
    public static final Set<String> ANTHROPIC =
            Set.of("claude.ai", "claude.com", "console.anthropic.com", "platform.claude.com");

    public static final String ENV = "REAUTH_PROVIDER_HOSTS";

    private final Set<String> allowed;
    private final boolean loopbackAllowed;

    private ProviderHosts(Set<String> allowed, boolean loopbackAllowed) {
        this.allowed = allowed;
        this.loopbackAllowed = loopbackAllowed;
    }

    /** The hosts allowed when talking to {@code api}, with {@code $REAUTH_PROVIDER_HOSTS} from {@code env}. */
    public static ProviderHosts forApi(URI api, Map<String, String> env) {
        Set<String> hosts = new LinkedHashSet<>(ANTHROPIC);
        Arrays.stream(env.getOrDefault(ENV, "").split(","))
                .map(h -> h.strip().toLowerCase(Locale.ROOT))
                .filter(h -> !h.isEmpty())
                .forEach(hosts::add);
        return new ProviderHosts(Set.copyOf(hosts), ApiEndpoint.isLoopback(api));
    }

    /** Throws unless {@code url} is an https (or, for the local run, loopback http) URL on an allowed host. */
    public URI check(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw refused("an authorization URL that is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (uri.getRawUserInfo() != null) {
            throw refused("an authorization URL with a user name in it (" + host + ")");
        }
        if (loopbackAllowed && ApiEndpoint.isLoopback(uri) && (scheme.equals("http") || scheme.equals("https"))) {
            return uri;
        }
        if (!allowed.contains(host)) {
            throw refused("an authorization URL on " + (host.isEmpty() ? "no host" : host)
                    + ", which is not a provider host ("
                    + String.join(", ", allowed.stream().sorted().toList())
                    + "); for another provider, add its host to " + ENV);
        }
        if (!scheme.equals("https")) {
            throw refused("an authorization URL over " + scheme + ":// (only https is used with " + host + ")");
        }
        return uri;
    }

    private static CliFailure refused(String what) {
        return new CliFailure(ExitCode.SERVER_ERROR, "the API sent " + what + "; not opening it");
    }
}
