package dev.reauth.web;

import dev.reauth.http.Html;
import dev.reauth.link.LinkStatus;
import dev.reauth.link.LinkView;
import dev.reauth.oauth.ProviderIdentity;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * The HTML of a link's page: the form for a usable link, a plain explanation for every other state.
 * Every dynamic value is escaped; the link token, codes and tokens never appear in any page (the
 * script finds its endpoints from the page's own address). No inline script or style: the page's CSS
 * and JavaScript are files of this site ({@code assets/}, relative to {@code /r/TOKEN}).
 */
final class LinkPages {

    private static final DateTimeFormatter SHOWN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private LinkPages() {}

    /** The page of a usable link: which account, which provider login, Log in, and the field for the code. */
    static String active(LinkView view) {
        String name = view.accountName().orElse("");
        String login = view.identity().map(LinkPages::maskedLogin).orElse(null);
        StringBuilder body = new StringBuilder()
                .append("<h1>Re-authenticate <span class=\"account\">")
                .append(Html.escape(name))
                .append("</span></h1>")
                .append("<dl class=\"facts\">")
                .append(fact("Account", Html.escape(name)))
                .append(fact(
                        "Provider login",
                        login != null
                                ? Html.escape(login)
                                : "none yet: the operator issued this link to bind the account on first login,"
                                        + " so the provider account you log in with becomes the account's owner"))
                .append(fact("Link valid until", time(view.expiresAt())))
                .append("</dl>")
                .append("<noscript><p class=\"notice\">This page needs JavaScript (one small script from this site)."
                        + " Without it, run <code>reauth --reauthenticate ")
                .append(Html.escape(name))
                .append("</code>.</p></noscript>")
                .append("<ol class=\"steps\" id=\"steps\" hidden>")
                .append("<li><h2>Log in at the provider</h2><p>")
                .append(
                        login != null
                                ? "Log in as <strong>" + Html.escape(login) + "</strong>."
                                : "Log in with the provider account this account belongs to.")
                .append(" A new window opens; when you are done, the provider shows a code.</p>")
                .append(
                        "<form id=\"start\" method=\"post\"><button type=\"submit\" id=\"login\">Log in</button></form>")
                .append("<p id=\"login-fallback\" hidden>The browser did not open a new window: ")
                .append(
                        "<a id=\"login-link\" href=\"#\" target=\"_blank\" rel=\"noopener noreferrer\">open the login page</a>.</p></li>")
                .append("<li><h2>Paste the code</h2>")
                .append("<form id=\"complete\" method=\"post\">")
                .append("<label for=\"code\">Code from the provider</label>")
                .append("<input id=\"code\" name=\"code\" type=\"text\" autocomplete=\"off\" autocapitalize=\"off\""
                        + " spellcheck=\"false\" required aria-describedby=\"code-help\">")
                .append(
                        "<p id=\"code-help\" class=\"help\">The whole value the provider shows: it looks like <code>code#state</code>.</p>")
                .append("<button type=\"submit\" id=\"submit\">Re-authenticate</button>")
                .append("</form>")
                .append("<p id=\"error\" class=\"error\" role=\"alert\" hidden></p>")
                .append("<p id=\"status\" class=\"status\" role=\"status\" aria-live=\"polite\"></p>")
                .append("</li></ol>")
                .append("<section id=\"done\" class=\"done\" hidden><h2 id=\"done-message\" tabindex=\"-1\"></h2>")
                .append("<p id=\"done-detail\"></p><p>This link is now used up; you can close this page.</p></section>")
                .append("<p class=\"footnote\">This link works once, for this account only: it cannot add accounts,"
                        + " show tokens or list anything.</p>");
        return page("Re-authenticate " + name, body.toString(), true);
    }

    /**
     * Whom the holder should log in as, without handing the bound address to whoever holds the link:
     * {@code o***@example.com}. An identity with no email shows the start of its provider id.
     */
    static String maskedLogin(ProviderIdentity identity) {
        return identity.email()
                .filter(email -> email.indexOf('@') > 0)
                .map(email -> email.codePoints()
                                .limit(1)
                                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                        + "***" + email.substring(email.lastIndexOf('@')))
                .orElseGet(() -> identity.accountUuid()
                                .substring(0, Math.min(4, identity.accountUuid().length())) + "***");
    }

    /** The page of a link that cannot be used, saying why and what to do instead. */
    static String unusable(
            LinkStatus status, Optional<String> accountName, Optional<Instant> spentAt, Instant expiresAt) {
        String name = accountName.map(Html::escape).orElse(null);
        String[] text = switch (status) {
            case USED ->
                new String[] {
                    "This link was already used",
                    "Account <span class=\"account\">" + name + "</span> was re-authenticated through it"
                            + spentAt.map(at -> " at " + time(at)).orElse("") + ". A link works once."
                };
            case EXPIRED -> new String[] {"This link has expired", "It was valid until " + time(expiresAt) + "."};
            case REVOKED ->
                new String[] {
                    "This link was revoked",
                    "An operator revoked it, a newer link for this account replaced it, or the account's tokens were"
                            + " renewed another way since it was issued (then the account may need nothing)."
                };
            case EXHAUSTED ->
                new String[] {
                    "This link was tried too many times", "It allows a few attempts only, and they are used up."
                };
            case UNKNOWN, ACTIVE ->
                new String[] {"This link is not valid", "It may be mistyped or cut short, or it expired long ago."};
        };
        String next = "<p>To re-authenticate the account, ask the operator for a new link.</p>"
                + (name == null
                        ? ""
                        : "<p class=\"commands\">Operators: <code>reauth link " + name + "</code> makes one;"
                                + " <code>reauth --reauthenticate " + name + "</code> does it from a terminal.</p>");
        return page(text[0], "<h1>" + text[0] + "</h1><p>" + text[1] + "</p>" + next, false);
    }

    /** One sentence for the script to show when a step finds the link unusable. */
    static String unusableSummary(LinkStatus status) {
        return switch (status) {
            case USED ->
                "This link was already used: a link works once. Ask for a new link if the account needs it again.";
            case REVOKED ->
                "This link was revoked, replaced by a newer link, or ended because the account's tokens were renewed.";
            case EXPIRED -> "This link has expired. Ask for a new link.";
            case EXHAUSTED -> "This link was tried too many times. Ask for a new link.";
            case UNKNOWN, ACTIVE -> "This link is not valid.";
        };
    }

    /** A page for a failure that is not the link's (its account is gone, a dependency failed). */
    static String failure(String heading, String detail) {
        return page(heading, "<h1>" + Html.escape(heading) + "</h1><p>" + Html.escape(detail) + "</p>", false);
    }

    private static String fact(String term, String valueHtml) {
        return "<div><dt>" + term + "</dt><dd>" + valueHtml + "</dd></div>";
    }

    private static String time(Instant at) {
        return "<time datetime=\"" + at + "\">" + SHOWN.format(at) + "</time>";
    }

    private static String page(String title, String mainHtml, boolean script) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta name=\"referrer\" content=\"no-referrer\">"
                + "<title>" + Html.escape(title) + " · reauth</title>"
                + "<link rel=\"stylesheet\" href=\"assets/page.css\">"
                + (script ? "<script src=\"assets/page.js\" defer></script>" : "")
                + "</head><body><main>" + "<p class=\"brand\">reauth</p>" + mainHtml + "</main></body></html>";
    }
}
