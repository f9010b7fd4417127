package dev.reauth.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Who may use the dashboard's local server, checked before anything else runs. A request must name this
 * server as its host (a DNS-rebinding page names its own), carry the per-run secret as its first path
 * segment (any other process or page on the machine does not know it), be one of the fixed routes, and,
 * for an operation, come from the dashboard's own page: same origin, JSON.
 */
final class DashboardGate {

    /** What the gate decided: the route to serve, or the refusal to send. */
    sealed interface Verdict permits Pass, Refuse {}

    record Pass(DashboardRoute.Match match) implements Verdict {}

    record Refuse(DashboardResponse response, String location) implements Verdict {
        Refuse(DashboardResponse response) {
            this(response, null);
        }
    }

    private final byte[] secret;
    private final String host;
    private final String origin;

    DashboardGate(String secret, int port) {
        this.secret = secret.getBytes(StandardCharsets.US_ASCII);
        this.host = "127.0.0.1:" + port;
        this.origin = "http://" + host;
    }

    /** The origin the dashboard is served from. */
    String origin() {
        return origin;
    }

    /** Decides a request; {@code header} gives a request header's value by name (any case), or null. */
    Verdict check(String method, String rawPath, Function<String, String> header) {
        if (!host.equals(header.apply("Host"))) {
            return new Refuse(
                    DashboardResponse.error(421, "misdirected_request", "This server answers for " + host + " only."));
        }
        String[] parts = rawPath == null ? new String[0] : rawPath.split("/", -1);
        if (parts.length < 2
                || !parts[0].isEmpty()
                || !MessageDigest.isEqual(secret, parts[1].getBytes(StandardCharsets.US_ASCII))) {
            return notFound();
        }
        if (parts.length == 2) {
            // the page's files are relative to it: it must be served from the folder, with its slash
            return new Refuse(
                    new DashboardResponse(308, "text/plain; charset=utf-8", new byte[0]), "/" + parts[1] + "/");
        }
        List<String> path = new ArrayList<>();
        for (int i = 2; i < parts.length; i++) {
            String segment = decode(parts[i]);
            if (segment == null) {
                return notFound();
            }
            path.add(segment);
        }
        if (path.size() == 1 && path.getFirst().isEmpty()) {
            path.clear();
        }
        List<DashboardRoute.Match> matches = DashboardRoute.byPath(path);
        if (matches.isEmpty()) {
            return notFound();
        }
        DashboardRoute.Match match = matches.stream()
                .filter(m -> m.route().method().equals(method))
                .findFirst()
                .orElse(null);
        if (match == null) {
            return new Refuse(DashboardResponse.error(405, "method_not_allowed", "Not with " + method + "."));
        }
        if (match.route().operation()) {
            String site = header.apply("Sec-Fetch-Site");
            if (site != null && !site.equals("same-origin")) {
                return forbidden();
            }
        }
        if (method.equals("POST")) {
            if (!origin.equals(header.apply("Origin"))) {
                return forbidden();
            }
            String type = String.valueOf(header.apply("Content-Type")).toLowerCase(Locale.ROOT);
            if (!(type.equals("application/json") || type.startsWith("application/json;"))) {
                return new Refuse(DashboardResponse.error(415, "unsupported_media_type", "Send JSON."));
            }
        }
        return new Pass(match);
    }

    private static Refuse notFound() {
        return new Refuse(DashboardResponse.error(404, "not_found", "Not found."));
    }

    private static Refuse forbidden() {
        return new Refuse(DashboardResponse.error(403, "forbidden", "Only the dashboard's own page may do this."));
    }

    /** A path segment's percent-decoding (UTF-8; "+" stays "+"); null when it is malformed. */
    static String decode(String segment) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length()) {
                    return null;
                }
                int value = hex(segment.charAt(i + 1)) * 16 + hex(segment.charAt(i + 2));
                if (value < 0) {
                    return null;
                }
                bytes.write(value);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                return null;
            }
        }
        String decoded = bytes.toString(StandardCharsets.UTF_8);
        return decoded.indexOf('\uFFFD') >= 0 || decoded.indexOf('/') >= 0 ? null : decoded;
    }

    private static int hex(char c) {
        int digit = Character.digit(c, 16);
        return digit < 0 ? -1000 : digit;
    }
}
