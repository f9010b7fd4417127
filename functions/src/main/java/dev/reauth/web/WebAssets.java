package dev.reauth.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The page's one stylesheet and one script, read from the jar once, at init (they hold nothing random). */
final class WebAssets {

    static final String STYLESHEET = read("/web/page.css");
    // the login steps are a file of their own, shared with the CLI's dashboard; the page loads one script
    static final String SCRIPT = read("/web/login.js") + read("/web/page.js");

    private WebAssets() {}

    private static String read(String resource) {
        try (InputStream in = WebAssets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the jar has no " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
