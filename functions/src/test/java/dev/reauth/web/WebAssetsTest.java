package dev.reauth.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The link page's one script: the login steps it shares with the CLI's dashboard, then its own part. */
class WebAssetsTest {

    @Test
    void script_definesTheLoginStepsBeforeThePageBindsThem() {
        int defined = WebAssets.SCRIPT.indexOf("var reauthLogin = ");
        int bound = WebAssets.SCRIPT.indexOf("reauthLogin({");

        assertThat(defined).isNotNegative();
        assertThat(bound).isGreaterThan(defined);
        assertThat(WebAssets.SCRIPT)
                .contains(
                        "Paste the whole value the provider shows: it looks like code#state.",
                        "window.location.pathname");
    }
}
