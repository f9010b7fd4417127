package dev.reauth.wire;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rule for every URL reauth sends secrets to (provider, API, proxy): https, or plain http only to
 * this machine (a loopback host), where no network carries the request. Decided from the URL alone,
 * without a DNS lookup.
 */
public final class SecureUrl {

    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");

    private SecureUrl() {}

    /** Whether {@code url} is https, or http to a loopback host ({@code localhost}, 127.0.0.0/8, {@code ::1}). */
    public static boolean allows(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        return url.getHost() != null && (scheme.equals("https") || scheme.equals("http") && isLoopback(url));
    }

    /** Whether the URL's host is this machine. */
    public static boolean isLoopback(URI url) {
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        return host.equals("localhost")
                || IPV4_LOOPBACK.matcher(host).matches()
                || host.equals("[::1]")
                || host.equals("::1");
    }
}
