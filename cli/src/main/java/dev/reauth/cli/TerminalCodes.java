package dev.reauth.cli;

import java.io.PrintStream;
import java.net.URI;

/**
 * The operator at a terminal as the source of codes: the login page opened in a browser (or its URL
 * printed, on a headless server), and the code#state the page shows pasted at a prompt.
 */
public final class TerminalCodes implements CodeSource {

    static final String PROMPT = "Paste the authorization code (code#state): ";

    private final Browser browser;
    private final Prompt prompt;
    private final PrintStream out;

    public TerminalCodes(Browser browser, Prompt prompt, PrintStream out) {
        this.browser = browser;
        this.prompt = prompt;
        this.out = out;
    }

    @Override
    public void show(URI url) {
        if (browser.open(url.toString())) {
            out.println(
                    "Opened the provider's login page in your browser. After you log in, it shows a code (code#state).");
        } else {
            out.println("No browser could be opened here. Open this URL in a browser (on any machine) and log in:");
            out.println();
            out.println("  " + url);
            out.println();
            out.println("After you log in, the provider's page shows a code (code#state): copy it and paste it below.");
        }
    }

    @Override
    public String next() {
        return prompt.secretLine(PROMPT);
    }
}
