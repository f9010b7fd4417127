package dev.reauth.cli;

import java.net.URI;

/**
 * Where a login's code#state comes from: the operator at a terminal ({@link TerminalCodes}: a browser
 * and a pasted code), or, in the local run, a provider that logs in by itself.
 */
public interface CodeSource {

    /** Sends whoever logs in to the provider's login page {@code url}, already checked to be on a provider host. */
    void show(URI url);

    /** The next code#state for that login (again after the API refused one), or null when no more will come. */
    String next();
}
