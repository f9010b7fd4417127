package dev.reauth.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Opens a URL in the operator's browser: {@code $BROWSER} when set (the usual convention; "%s" is
 * replaced by the URL, else it is appended), else the desktop's opener. On a headless server there
 * is none, and the caller prints the URL instead.
 */
public final class Browser {

    private final Map<String, String> env;
    private final String osName;
    private final Debug debug;

    public Browser(Map<String, String> env, String osName, Debug debug) {
        this.env = env;
        this.osName = osName.toLowerCase(Locale.ROOT);
        this.debug = debug;
    }

    /** True when a browser was started with the URL. */
    public boolean open(String url) {
        for (List<String> command : candidates(url)) {
            try {
                Process process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                // a launcher that fails at once (no display, unknown command) did not open anything
                if (process.waitFor(1500, TimeUnit.MILLISECONDS) && process.exitValue() != 0) {
                    debug.log("oauth:browser", command.getFirst() + " exited " + process.exitValue());
                    continue;
                }
                debug.log("oauth:browser", "opened with " + command.getFirst());
                return true;
            } catch (IOException e) {
                debug.log("oauth:browser", command.getFirst() + " unavailable");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private List<List<String>> candidates(String url) {
        List<List<String>> commands = new ArrayList<>();
        String browser = env.get("BROWSER");
        if (browser != null && !browser.isBlank()) {
            for (String entry : browser.split(":")) {
                List<String> command = new ArrayList<>(List.of(entry.strip().split("\\s+")));
                if (command.stream().anyMatch(part -> part.contains("%s"))) {
                    command.replaceAll(part -> part.replace("%s", url));
                } else {
                    command.add(url);
                }
                commands.add(command);
            }
            return commands;
        }
        if (osName.contains("mac")) {
            commands.add(List.of("open", url));
        } else if (osName.contains("win")) {
            commands.add(List.of("rundll32", "url.dll,FileProtocolHandler", url));
        } else if (env.containsKey("DISPLAY") || env.containsKey("WAYLAND_DISPLAY")) {
            commands.add(List.of("xdg-open", url));
        }
        return commands;
    }
}
