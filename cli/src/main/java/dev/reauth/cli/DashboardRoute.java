package dev.reauth.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every request the dashboard's local server answers, below its secret prefix: its page, the page's four
 * files, and a fixed list of operations. There is no generic passthrough to the reauth API.
 */
enum DashboardRoute {
    PAGE("GET", List.of()),
    STYLESHEET("GET", List.of("assets", "page.css")),
    DASHBOARD_STYLESHEET("GET", List.of("assets", "dashboard.css")),
    LOGIN_SCRIPT("GET", List.of("assets", "login.js")),
    SCRIPT("GET", List.of("assets", "dashboard.js")),
    LIST("GET", List.of("api", "accounts")),
    ADD("POST", List.of("api", "accounts")),
    START_REAUTH("POST", List.of("api", "accounts", "{name}", "reauth")),
    COMPLETE("POST", List.of("api", "accounts", "{name}", "complete")),
    RELOAD("POST", List.of("api", "accounts", "{name}", "reload")),
    LINK("POST", List.of("api", "accounts", "{name}", "link"));

    /** A route with the account name its path carried ("" when it carries none). */
    record Match(DashboardRoute route, String name) {}

    private final String method;
    private final List<String> segments;

    DashboardRoute(String method, List<String> segments) {
        this.method = method;
        this.segments = segments;
    }

    String method() {
        return method;
    }

    /** Whether this is one of the API operations (JSON), not the page or its files. */
    boolean operation() {
        return !segments.isEmpty() && segments.getFirst().equals("api");
    }

    /** The route whose path these decoded segments are, whatever the method; empty when none is. */
    static List<Match> byPath(List<String> path) {
        List<Match> matches = new ArrayList<>();
        for (DashboardRoute route : values()) {
            route.match(path).ifPresent(name -> matches.add(new Match(route, name)));
        }
        return matches;
    }

    private Optional<String> match(List<String> path) {
        if (path.size() != segments.size()) {
            return Optional.empty();
        }
        String name = "";
        for (int i = 0; i < path.size(); i++) {
            if (segments.get(i).equals("{name}")) {
                if (path.get(i).isBlank()) {
                    return Optional.empty();
                }
                name = path.get(i);
            } else if (!segments.get(i).equals(path.get(i))) {
                return Optional.empty();
            }
        }
        return Optional.of(name);
    }
}
