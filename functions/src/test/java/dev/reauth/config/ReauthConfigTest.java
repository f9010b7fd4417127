package dev.reauth.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reauth.oauth.ProviderConfig;
import dev.reauth.oauth.TokenRequestFormat;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReauthConfigTest {

    private static final Map<String, String> REQUIRED = Map.of(
            "AWS_REGION", "eu-west-1",
            "ACCOUNTS_TABLE", "accounts",
            "SESSIONS_TABLE", "sessions",
            "TOKEN_KEY_ID", "alias/reauth",
            "TOKEN_EVENTS_TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:reauth-events");

    @Test
    void requiredVariablesAlone_giveTheDocumentedDefaults() {
        ReauthConfig config = ReauthConfig.from(REQUIRED);

        assertThat(config.region()).isEqualTo("eu-west-1");
        assertThat(config.endpointOverride()).isEmpty();
        assertThat(config.accountsNameIndex()).isEqualTo("name-index");
        assertThat(config.sessionTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.claimLease()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.providerTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.provider()).isEqualTo(ProviderConfig.anthropic());
        assertThat(config.refresh())
                .isEqualTo(new RefreshSettings(
                        "refresh-index",
                        4,
                        Duration.ofMinutes(60),
                        4,
                        Duration.ofMinutes(4),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(15),
                        Optional.empty()));
        assertThat(config.safety()).isEqualTo(RefreshSafety.defaults());
        // 3 provider calls of 30 s, 2 AWS calls before them and 3 to land, 10 s each, and 3 grace windows of 5 s
        assertThat(config.safety().perRefreshBudget()).isEqualTo(Duration.ofSeconds(155));
        assertThat(config.safety().longestHeldVerdict()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.providerUserAgent()).isEqualTo("reauth/0.1 (OAuth token refresher; Java)");
        assertThat(config.deadlines()).isEqualTo(new DeadlineSettings("deadline-index", Duration.ofDays(3)));
    }

    @Test
    void aProviderTimeoutTheFunctionCannotFit_failsStartUp_namingTheVariables() {
        // the old arithmetic silently stopped every refresh at OAUTH_HTTP_TIMEOUT >= ~27 s; now it is refused
        assertThatThrownBy(() -> ReauthConfig.from(with("OAUTH_HTTP_TIMEOUT", "PT60S")))
                .isInstanceOf(ReauthConfig.ConfigException.class)
                .hasMessageContaining("REFRESH_FUNCTION_TIMEOUT")
                .hasMessageContaining("OAUTH_HTTP_TIMEOUT")
                .hasMessageContaining("AWS_CALL_TIMEOUT");
    }

    @Test
    void aDeadGraceTheFunctionCannotHold_failsStartUp_namingIt() {
        // 155 s fit the default 180 s; 3 windows of 25 s instead of 5 s add 60 s: 215 s + 2 s do not
        assertThatThrownBy(() -> ReauthConfig.from(with("REFRESH_DEAD_GRACE", "PT25S")))
                .isInstanceOf(ReauthConfig.ConfigException.class)
                .hasMessageContaining("REFRESH_FUNCTION_TIMEOUT (PT3M)")
                .hasMessageContaining("3 x REFRESH_DEAD_GRACE (PT25S")
                .hasMessageContaining("= PT3M37S");
        // the same grace fits a function given the time for it
        assertThat(ReauthConfig.from(with("REFRESH_DEAD_GRACE", "PT25S", "REFRESH_FUNCTION_TIMEOUT", "220"))
                        .safety()
                        .perRefreshBudget())
                .isEqualTo(Duration.ofSeconds(215));
    }

    @Test
    void aDeadGraceOfZero_turnsTheGraceOff_asTheTemplateSays() {
        ReauthConfig config = ReauthConfig.from(with("REFRESH_DEAD_GRACE", "PT0S"));

        assertThat(config.secondRefresher().deadGrace()).isZero();
        assertThat(config.safety().perRefreshBudget())
                .isLessThan(ReauthConfig.from(with()).safety().perRefreshBudget());
    }

    @Test
    void aLeaseThatDoesNotOutlastTheFunction_failsStartUp() {
        assertThatThrownBy(() -> ReauthConfig.from(with("REFRESH_LEASE", "PT3M")))
                .isInstanceOf(ReauthConfig.ConfigException.class)
                .hasMessageContaining("REFRESH_LEASE")
                .hasMessageContaining("REFRESH_FUNCTION_TIMEOUT")
                .hasMessageContaining("REFRESH_LEASE_MARGIN");
    }

    @Test
    void anAttemptTimeoutLongerThanTheCall_failsStartUp() {
        assertThatThrownBy(() -> ReauthConfig.from(with("AWS_ATTEMPT_TIMEOUT", "PT11S")))
                .isInstanceOf(ReauthConfig.ConfigException.class)
                .hasMessageContaining("AWS_ATTEMPT_TIMEOUT")
                .hasMessageContaining("AWS_CALL_TIMEOUT");
    }

    @Test
    void scaledDownTimings_fitTogether_andAreRead() {
        ReauthConfig config = ReauthConfig.from(with(
                "OAUTH_HTTP_TIMEOUT", "PT2S",
                "AWS_CALL_TIMEOUT", "PT1S",
                "AWS_ATTEMPT_TIMEOUT", "PT0.5S",
                "REFRESH_FUNCTION_TIMEOUT", "15",
                "REFRESH_LEASE", "PT20S",
                "REFRESH_LEASE_MARGIN", "PT2S",
                "REFRESH_RETRY_BACKOFF", "PT0.2S",
                "REFRESH_DEAD_GRACE", "PT0.5S",
                "RESCUE_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/rescue"));

        assertThat(config.safety().perRefreshBudget()).isEqualTo(Duration.ofMillis(12_500));
        assertThat(config.secondRefresher().deadGrace()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.safety().retryBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.refresh().lease()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.safety().rescueQueueUrl())
                .contains("https://sqs.eu-west-1.amazonaws.com/123456789012/rescue");
    }

    @Test
    void longLivedAccessTokens_areOffByDefault_andNeedTheScopesTheProviderAllowsThemFor() {
        assertThat(ReauthConfig.from(REQUIRED).accessTokenLifetime()).isEmpty();

        Map<String, String> allowed = new HashMap<>(REQUIRED);
        allowed.put("OAUTH_ACCESS_TOKEN_LIFETIME", "P365D");
        allowed.put("OAUTH_SCOPES", "user:inference user:profile user:file_upload");
        assertThat(ReauthConfig.from(allowed).accessTokenLifetime()).contains(Duration.ofDays(365));

        Map<String, String> defaultScopes = new HashMap<>(REQUIRED);
        defaultScopes.put("OAUTH_ACCESS_TOKEN_LIFETIME", "P365D");
        assertThatThrownBy(() -> ReauthConfig.from(defaultScopes))
                .isInstanceOf(ReauthConfig.ConfigException.class)
                .hasMessageStartingWith("OAUTH_ACCESS_TOKEN_LIFETIME needs OAUTH_SCOPES within");

        Map<String, String> tooLong = new HashMap<>(allowed);
        tooLong.put("OAUTH_ACCESS_TOKEN_LIFETIME", "P366D");
        assertThatThrownBy(() -> ReauthConfig.from(tooLong))
                .isInstanceOf(ReauthConfig.ConfigException.class)
                .hasMessage("OAUTH_ACCESS_TOKEN_LIFETIME must be at most P365D");
    }

    @Test
    void theUserAgentAndTheExpiringWarning_areConfigurable() {
        Map<String, String> env = new HashMap<>(REQUIRED);
        env.put("OAUTH_USER_AGENT", "  fleet-refresher/2.0  ");
        env.put("EXPIRING_WARNING", "P5D");

        ReauthConfig config = ReauthConfig.from(env);

        assertThat(config.providerUserAgent()).isEqualTo("fleet-refresher/2.0");
        assertThat(config.deadlines().warning()).isEqualTo(Duration.ofDays(5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"AWS_REGION", "ACCOUNTS_TABLE", "SESSIONS_TABLE", "TOKEN_KEY_ID", "TOKEN_EVENTS_TOPIC_ARN"})
    void aMissingRequiredVariable_isNamed(String name) {
        Map<String, String> env = new HashMap<>(REQUIRED);
        env.remove(name);

        assertThatThrownBy(() -> ReauthConfig.from(env))
                .isInstanceOf(ReauthConfig.ConfigException.class)
                .hasMessage("environment variable " + name + " is required");
    }

    @Test
    void aBlankRequiredVariable_countsAsMissing() {
        assertThatThrownBy(() -> ReauthConfig.from(with("ACCOUNTS_TABLE", "  ")))
                .hasMessage("environment variable ACCOUNTS_TABLE is required");
    }

    @ParameterizedTest
    @CsvSource({
        "AWS_ENDPOINT_URL, localhost:4566",
        "AWS_ENDPOINT_URL, not a url",
        "OAUTH_TOKEN_URL, /v1/oauth/token",
        "OAUTH_AUTHORIZE_URL, https://",
        "OAUTH_CONSOLE_AUTHORIZE_URL, mailto:ops@example.com",
        "OAUTH_API_KEY_URL, api-key-endpoint",
        "OAUTH_PROFILE_URL, /api/oauth/profile"
    })
    void aMalformedUrl_isNamed(String name, String value) {
        assertThatThrownBy(() -> ReauthConfig.from(with(name, value)))
                .isInstanceOf(ReauthConfig.ConfigException.class)
                .hasMessage(name + " must be an absolute URL");
    }

    @Test
    void urls_overrideThePreset_andNoneTurnsApiKeyCreationOff() {
        ReauthConfig config = ReauthConfig.from(with(
                "AWS_ENDPOINT_URL",
                "http://127.0.0.1:4566",
                "OAUTH_TOKEN_URL",
                "http://127.0.0.1:9000/token",
                "OAUTH_API_KEY_URL",
                "none"));

        assertThat(config.endpointOverride()).contains(URI.create("http://127.0.0.1:4566"));
        assertThat(config.provider().tokenUrl()).isEqualTo(URI.create("http://127.0.0.1:9000/token"));
        assertThat(config.provider().apiKeyUrl()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SESSION_TTL",
                "SESSION_CLAIM_LEASE",
                "OAUTH_HTTP_TIMEOUT",
                "REFRESH_LEAD",
                "REFRESH_LEASE",
                "REFRESH_MIN_INTERVAL",
                "REFRESH_WAIT",
                "AWS_CALL_TIMEOUT",
                "AWS_ATTEMPT_TIMEOUT",
                "REFRESH_RETRY_BACKOFF",
                "REFRESH_LEASE_MARGIN",
                "REFRESH_FUNCTION_TIMEOUT"
            })
    void aDurationThatIsNotIso8601_isNamed(String name) {
        assertThatThrownBy(() -> ReauthConfig.from(with(name, "10m")))
                .isInstanceOf(ReauthConfig.ConfigException.class)
                .hasMessage(name + " must be an ISO-8601 duration such as PT10M");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "-PT1M"})
    void aDurationThatIsNotPositive_isRefused(String value) {
        assertThatThrownBy(() -> ReauthConfig.from(with("SESSION_TTL", value)))
                .isInstanceOf(ReauthConfig.ConfigException.class)
                .hasMessage("SESSION_TTL must be positive");
    }

    @ParameterizedTest
    @CsvSource({
        "rate(5 minutes), PT5M",
        "rate(1 minute), PT1M",
        "Rate(2 Hours), PT2H",
        "rate(1 day), PT24H",
        "rate(5 seconds), PT5S",
        "cron(0/10 * * * ? *), PT1H"
    })
    void theRefreshSchedule_givesTheHealthVerdictItsPeriod(String schedule, String period) {
        ReauthConfig config = ReauthConfig.from(with("REFRESH_SCHEDULE", schedule, "REFRESH_LEAD", "PT20M"));

        assertThat(config.refresh().healthRules().schedulePeriod()).isEqualTo(Duration.parse(period));
        assertThat(config.refresh().healthRules().lead()).isEqualTo(Duration.ofMinutes(20));
    }

    @Test
    void theProviderCallBudgetAndSpread_areRead_offWithoutThem_andASpreadIntoTheFreeEndIsRefused() {
        assertThat(ReauthConfig.from(with()).refresh().pacing()).isEqualTo(ProviderPacing.OFF);

        ReauthConfig paced = ReauthConfig.from(with("PROVIDER_CALL_BUDGET", "5", "REFRESH_SPREAD", "PT30M"));
        assertThat(paced.refresh().pacing()).isEqualTo(new ProviderPacing(5, Duration.ofMinutes(30)));
        assertThat(paced.healthRules().spread()).isEqualTo(Duration.ofMinutes(30));

        assertThatThrownBy(() -> ReauthConfig.from(with("REFRESH_SPREAD", "PT45M")))
                .isInstanceOf(ReauthConfig.ConfigException.class)
                .hasMessageStartingWith("REFRESH_SPREAD (PT45M) reaches into the end of REFRESH_LEAD (PT1H)");
        assertThatThrownBy(() -> ReauthConfig.from(with("PROVIDER_CALL_BUDGET", "five")))
                .isInstanceOf(ReauthConfig.ConfigException.class)
                .hasMessage("PROVIDER_CALL_BUDGET must be a whole number");
    }

    @Test
    void withoutASchedule_theTemplatesDefaultPeriodHolds_andAMalformedOneIsNamed() {
        assertThat(ReauthConfig.from(with()).refresh().healthRules().schedulePeriod())
                .isEqualTo(Duration.ofMinutes(5));
        for (String bad :
                new String[] {"every 5 minutes", "rate(0 minutes)", "rate(5 weeks)", "rate(99999999999 days)"}) {
            assertThatThrownBy(() -> ReauthConfig.from(with("REFRESH_SCHEDULE", bad)))
                    .isInstanceOf(ReauthConfig.ConfigException.class)
                    .hasMessage(
                            "REFRESH_SCHEDULE must be an EventBridge schedule such as rate(5 minutes) or cron(...)");
        }
    }

    @Test
    void durations_areRead() {
        assertThat(ReauthConfig.from(with("SESSION_TTL", "PT15M", "REFRESH_WAIT", "PT2S")))
                .satisfies(c -> assertThat(c.sessionTtl()).isEqualTo(Duration.ofMinutes(15)))
                .satisfies(c -> assertThat(c.refresh().onDemandWait()).isEqualTo(Duration.ofSeconds(2)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"REFRESH_BUCKETS", "REFRESH_CONCURRENCY"})
    void anIntegerThatIsNotOne_isNamed(String name) {
        assertThatThrownBy(() -> ReauthConfig.from(with(name, "four")))
                .isInstanceOf(ReauthConfig.ConfigException.class)
                .hasMessage(name + " must be a whole number");
        assertThatThrownBy(() -> ReauthConfig.from(with(name, "2.5"))).hasMessage(name + " must be a whole number");
    }

    @ParameterizedTest
    @CsvSource({
        "REFRESH_BUCKETS, 0",
        "REFRESH_BUCKETS, 65",
        "REFRESH_BUCKETS, -1",
        "REFRESH_CONCURRENCY, 0",
        "REFRESH_CONCURRENCY, 65"
    })
    void refreshSettingsOutOfBounds_areNamed(String name, String value) {
        assertThatThrownBy(() -> ReauthConfig.from(with(name, value)))
                .isInstanceOf(ReauthConfig.ConfigException.class)
                .hasMessage(name + " must be between 1 and 64");
    }

    @Test
    void refreshSettingsAtTheirBounds_areAccepted() {
        assertThat(ReauthConfig.from(with("REFRESH_BUCKETS", "1", "REFRESH_CONCURRENCY", "64"))
                        .refresh())
                .satisfies(r -> assertThat(r.buckets()).isEqualTo(1))
                .satisfies(r -> assertThat(r.concurrency()).isEqualTo(64));
        assertThat(ReauthConfig.from(with("REFRESH_BUCKETS", "64", "REFRESH_CONCURRENCY", "1"))
                        .refresh()
                        .buckets())
                .isEqualTo(64);
    }

    @Test
    void anUnknownPreset_orTokenFormat_isNamed() {
        assertThatThrownBy(() -> ReauthConfig.from(with("OAUTH_PRESET", "okta")))
                .isInstanceOf(ReauthConfig.ConfigException.class)
                .hasMessageStartingWith("OAUTH_PRESET must be");
        assertThatThrownBy(() -> ReauthConfig.from(with("OAUTH_TOKEN_REQUEST_FORMAT", "xml")))
                .isInstanceOf(ReauthConfig.ConfigException.class)
                .hasMessage("OAUTH_TOKEN_REQUEST_FORMAT must be \"json\" or \"form\"");
    }

    @Test
    void providerValues_overrideThePresetOneByOne() {
        ReauthConfig config = ReauthConfig.from(with(
                "OAUTH_CLIENT_ID",
                "client-2",
                "OAUTH_SCOPES",
                " a  b ",
                "OAUTH_TOKEN_REQUEST_FORMAT",
                "FORM",
                "OAUTH_AUTHORIZE_EXTRA_PARAMS",
                "code=true&x=1&flag",
                "ALERTS_TOPIC_ARN",
                "arn:aws:sns:eu-west-1:123456789012:alerts"));

        assertThat(config.provider().clientId()).isEqualTo("client-2");
        assertThat(config.provider().scopes()).isEqualTo(List.of("a", "b"));
        assertThat(config.provider().tokenRequestFormat()).isEqualTo(TokenRequestFormat.FORM);
        assertThat(config.provider().leadingAuthorizeParams())
                .containsExactly(Map.entry("code", "true"), Map.entry("x", "1"), Map.entry("flag", ""));
        assertThat(config.provider().redirectUri())
                .isEqualTo(ProviderConfig.anthropic().redirectUri());
        assertThat(config.refresh().alertsTopicArn()).contains("arn:aws:sns:eu-west-1:123456789012:alerts");
        assertThat(ReauthConfig.from(with("OAUTH_AUTHORIZE_EXTRA_PARAMS", "none"))
                        .provider()
                        .leadingAuthorizeParams())
                .isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "OAUTH_TOKEN_URL, http://provider.example.com/v1/oauth/token",
        "OAUTH_AUTHORIZE_URL, http://claude.example.com/oauth/authorize",
        "OAUTH_CONSOLE_AUTHORIZE_URL, ftp://console.example.com/oauth/authorize",
        "OAUTH_API_KEY_URL, http://api.example.com/create_api_key",
        "WEB_BASE_URL, http://links.example.com",
        "OAUTH_PROFILE_URL, http://api.example.com/api/oauth/profile",
        "OAUTH_TOKEN_URL, http://127.0.0.1.example.com/token"
    })
    void aPlainHttpUrl_toAnotherHost_isRefusedAtStartUp(String name, String value) {
        assertThatThrownBy(() -> ReauthConfig.from(with(name, value)))
                .isInstanceOf(ReauthConfig.ConfigException.class)
                .hasMessage(name + " must be an https URL (plain http only to a loopback host)");
    }

    @ParameterizedTest
    @CsvSource({"http://127.0.0.1:9000/token", "http://localhost:9000/token", "http://[::1]:9000/token"})
    void aPlainHttpUrl_toThisMachine_isAllowed(String value) {
        assertThat(ReauthConfig.from(with("OAUTH_TOKEN_URL", value)).provider().tokenUrl())
                .isEqualTo(URI.create(value));
    }

    @Test
    void adoption_defaultsToAnthropicsProfileEndpoint_andTakesOverrides() {
        assertThat(ReauthConfig.from(with()).adoption()).isEqualTo(AdoptionSettings.defaults());
        assertThat(AdoptionSettings.defaults().profileUrl())
                .isEqualTo(URI.create("https://api.anthropic.com/api/oauth/profile"));

        AdoptionSettings set = ReauthConfig.from(with(
                        "OAUTH_PROFILE_URL",
                        "http://127.0.0.1:9000/api/oauth/profile",
                        "OAUTH_PROFILE_TIMEOUT",
                        "PT1S",
                        "ADOPTIONS_PER_MINUTE",
                        "2"))
                .adoption();

        assertThat(set)
                .isEqualTo(new AdoptionSettings(
                        URI.create("http://127.0.0.1:9000/api/oauth/profile"), Duration.ofSeconds(1), 2));
    }

    @ParameterizedTest
    @CsvSource({"ADOPTIONS_PER_MINUTE, 0", "ADOPTIONS_PER_MINUTE, 601", "OAUTH_PROFILE_TIMEOUT, PT31S"})
    void adoption_outOfRange_isNamed(String name, String value) {
        assertThatThrownBy(() -> ReauthConfig.from(with(name, value)))
                .isInstanceOf(ReauthConfig.ConfigException.class)
                .hasMessageStartingWith(name + " must be");
    }

    private static Map<String, String> with(String... pairs) {
        Map<String, String> env = new HashMap<>(REQUIRED);
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }
}
