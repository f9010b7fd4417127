package dev.reauth.local;

import dev.reauth.cli.CodeSource;
import java.io.PrintStream;
import java.net.URI;

/**
 * The local run playing the browser at the local OAuth provider: it logs in there without a page and
 * gives the code#state the provider's redirect carries, as the operator would paste it. One code per
 * login: when the API refuses it, there is no other to give.
 */
final class LocalProviderCodes implements CodeSource {

    private final LocalOAuthProvider provider;
    private final PrintStream out;
    private URI page;

    LocalProviderCodes(LocalOAuthProvider provider, PrintStream out) {
        this.provider = provider;
        this.out = out;
    }

    @Override
    public void show(URI url) {
        out.println("Logging in at the local OAuth provider (this run plays the browser)...");
        page = url;
    }

    @Override
    public String next() {
        if (page == null) {
            throw new IllegalStateException("the API did not accept the local provider's code");
        }
        String pasted = provider.authorize(page.toString()).pasted();
        page = null;
        return pasted;
    }
}
