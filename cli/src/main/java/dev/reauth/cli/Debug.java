package dev.reauth.cli;

import java.io.PrintStream;

/**
 * Debug lines on standard error, on when {@code DEBUG} names {@code oauth:*} (or {@code oauth:http},
 * {@code oauth:browser}, ...), as the peers' DEBUG variable does. Callers pass only methods, paths,
 * statuses and timings: never a URL's query, a body, a code or a token.
 */
public final class Debug {

    private final String setting;
    private final PrintStream err;

    public Debug(String setting, PrintStream err) {
        this.setting = setting == null ? "" : setting;
        this.err = err;
    }

    public boolean enabled(String namespace) {
        for (String part : setting.split("[,\\s]+")) {
            if (part.equals("*") || part.equals("oauth:*") || part.equals("oauth") || part.equals(namespace)) {
                return true;
            }
        }
        return false;
    }

    public void log(String namespace, String message) {
        if (enabled(namespace)) {
            err.println(namespace + " " + message);
        }
    }
}
