package dev.reauth.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.link.LinkStatus;
import dev.reauth.link.LinkView;
import dev.reauth.oauth.ProviderIdentity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LinkPagesTest {

    private static final String HOSTILE = "<img src=x onerror=alert(1)>\"'&";
    private static final Instant EXPIRES = Instant.parse("2026-11-27T12:00:00Z");

    @Test
    void activePage_escapesTheAccountNameAndTheProviderLogin() {
        String page = LinkPages.active(new LinkView(
                LinkStatus.ACTIVE,
                Optional.of(HOSTILE),
                Optional.of(new ProviderIdentity(
                        "uuid-1", Optional.of(HOSTILE + "@example.com"), Optional.empty(), Optional.empty())),
                EXPIRES,
                Optional.empty()));

        assertThat(page).doesNotContain("<img").contains("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;");
        assertThat(page).contains("2026-11-27 12:00 UTC");
    }

    @Test
    void everyPage_loadsItsStyleAndScriptFromFiles_withNoInlineCodeOrStyle() {
        List<String> pages = new ArrayList<>();
        pages.add(LinkPages.active(
                new LinkView(LinkStatus.ACTIVE, Optional.of("work"), Optional.empty(), EXPIRES, Optional.empty())));
        for (LinkStatus status : LinkStatus.values()) {
            pages.add(LinkPages.unusable(status, Optional.of("work"), Optional.of(EXPIRES), EXPIRES));
        }
        pages.add(LinkPages.failure("Something went wrong", HOSTILE));

        for (String page : pages) {
            assertThat(page)
                    .startsWith("<!doctype html>")
                    .contains("<link rel=\"stylesheet\" href=\"assets/page.css\">")
                    .doesNotContain("<style")
                    .doesNotContain(" style=")
                    .doesNotContain("<img")
                    .doesNotContainPattern("<script>|<script [^>]*>[^<]")
                    .doesNotContainPattern("<[^>]* on[a-z]+=");
        }
        assertThat(pages.getFirst()).contains("<script src=\"assets/page.js\" defer></script>");
    }

    @Test
    void unusablePages_sayWhatHappened() {
        assertThat(LinkPages.unusable(LinkStatus.USED, Optional.of("work"), Optional.of(EXPIRES), EXPIRES))
                .contains("This link was already used")
                .contains("2026-11-27 12:00 UTC")
                .contains("reauth link work");
        assertThat(LinkPages.unusable(LinkStatus.EXPIRED, Optional.of("work"), Optional.empty(), EXPIRES))
                .contains("This link has expired")
                .contains("valid until");
        assertThat(LinkPages.unusable(LinkStatus.REVOKED, Optional.of("work"), Optional.empty(), EXPIRES))
                .contains("revoked");
        assertThat(LinkPages.unusable(LinkStatus.UNKNOWN, Optional.empty(), Optional.empty(), EXPIRES))
                .contains("This link is not valid")
                .doesNotContain("reauth link");
    }

    @Test
    void responses_carryTheSecurityHeaders_whateverTheirType() {
        for (WebResponse response : List.of(
                WebResponse.html(200, "x"),
                WebResponse.json(410, "{}"),
                WebResponse.error(404, "e", "d"),
                new WebResponse(200, "text/css; charset=utf-8", "x"))) {
            assertThat(response.headers())
                    .containsEntry("Cache-Control", "no-store")
                    .containsEntry("X-Content-Type-Options", "nosniff")
                    .containsEntry("X-Frame-Options", "DENY")
                    .containsEntry("Referrer-Policy", "no-referrer")
                    .containsEntry(
                            "Content-Security-Policy",
                            "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
        }
    }
}
