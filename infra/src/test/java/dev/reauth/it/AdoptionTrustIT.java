package dev.reauth.it;

import static dev.reauth.it.ReauthSystem.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.local.LocalOAuthProvider.IssuedTokens;
import dev.reauth.local.ProfileEndpoint;
import dev.reauth.wire.Schema.Accounts;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Handing tokens back (adoption) is the agent's role, not every proxy's: API Gateway lets a caller invoke
 * {@code POST /accounts/{id}/tokens} only if one of its policies allows that route's execute-api ARN.
 * The emulator enforces no IAM, so this reads the template's policies as IAM would match them.
 *
 * <p>And the agent is not believed either: the tokens it hands back must belong to the account's bound
 * provider identity, as the local provider's profile endpoint names it, and each account takes only a few
 * adoptions a minute.
 */
class AdoptionTrustIT extends FreshSystemIT {

    private static final LocalOAuthProvider.Login STRANGER = LocalOAuthProvider.Login.of("mallory@example.com");

    @Test
    void adoptionWithAnotherIdentitysTokens_is409_alerted_andChangesNothing() throws Exception {
        String id = system.liveAccount("trusted");
        system.receive(Duration.ofSeconds(2));
        system.alerts(Duration.ofSeconds(1));
        // live tokens the provider issued, but to another provider account
        IssuedTokens foreign = system.provider.issueTokens(STRANGER);
        Map<String, AttributeValue> before = system.account(id);

        LambdaResponse refused = system.adoptTokens(id, adoptBody(1, foreign.accessToken(), foreign.refreshToken()));

        assertThat(refused.getStatusCode()).as(refused.getBody()).isEqualTo(409);
        assertThat(json(refused).path("error").asText()).isEqualTo("account_mismatch");
        assertThat(refused.getBody()).doesNotContain(foreign.accessToken(), foreign.refreshToken(), STRANGER.email());
        // nothing but the rate limit's count: tokens, version, binding and health as they were
        assertThat(system.account(id)).isEqualTo(withoutRateLimit(system.account(id), before));
        assertThat(system.receive(Duration.ofSeconds(2))).isEmpty();
        assertThat(system.alerts(Duration.ofSeconds(3))).singleElement().satisfies(alert -> {
            assertThat(alert.path("kind").asText()).isEqualTo("adoption_refused");
            assertThat(alert.path("what").asText())
                    .contains(STRANGER.accountUuid(), LocalOAuthProvider.Login.OWNER.accountUuid())
                    .doesNotContain(STRANGER.email());
        });
        // the provider was asked with the stack's provider User-Agent, like every other provider call
        assertThat(system.provider.profile().calls())
                .extracting(ProfileEndpoint.Call::userAgent)
                .containsOnly(system.config.providerUserAgent());
    }

    @Test
    void aDeadAccount_staysDead_whileTheProfileCannotSayWhoseTheTokensAre_andRecoversOnceItCan() throws Exception {
        String id = system.liveAccount("dead-one");
        system.aws
                .dynamo()
                .updateItem(u -> u.tableName(system.aws.accountsTable())
                        .key(Map.of(Accounts.ID, AttributeValue.fromS(id)))
                        .updateExpression("SET #reauth = :true")
                        .expressionAttributeNames(Map.of("#reauth", Accounts.REQUIRES_REAUTH))
                        .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true))));
        JsonNode own = system.proxyRefreshesItself(
                system.decryptTokens(id, system.account(id)).refreshToken());
        String body = adoptBody(
                1, own.path("access_token").asText(), own.path("refresh_token").asText());
        Map<String, AttributeValue> before = system.account(id);
        system.provider.profile().failNext(ProfileEndpoint.Fault.SERVER_ERROR);

        LambdaResponse unverified = system.adoptTokens(id, body);

        assertThat(unverified.getStatusCode()).as(unverified.getBody()).isEqualTo(503);
        assertThat(json(unverified).path("error").asText()).isEqualTo("identity_unverified");
        assertThat(system.account(id)).isEqualTo(withoutRateLimit(system.account(id), before));
        assertThat(system.account(id).get(Accounts.REQUIRES_REAUTH).bool()).isTrue();

        LambdaResponse adopted = system.adoptTokens(id, body);

        assertThat(adopted.getStatusCode()).as(adopted.getBody()).isEqualTo(200);
        assertThat(system.account(id).get(Accounts.REQUIRES_REAUTH).bool()).isFalse();
        assertThat(system.decryptTokens(id, system.account(id)).accessToken())
                .isEqualTo(own.path("access_token").asText());
    }

    @Test
    void adoptionsPastTheAccountsLimit_are429WithRetryAfter_andAskNobody() throws Exception {
        String id = system.liveAccount("hammered");
        String other = system.liveAccount("neighbour");
        Map<String, AttributeValue> before = system.account(id);
        String unknown = adoptBody(1, "sk-ant-oat01-never-issued", "sk-ant-ort01-never-issued");
        int limit = system.config.adoption().perMinute();
        for (int i = 0; i < limit; i++) {
            LambdaResponse refused = system.adoptTokens(id, unknown);
            assertThat(refused.getStatusCode()).as(refused.getBody()).isEqualTo(400);
            assertThat(json(refused).path("error").asText()).isEqualTo("invalid_token");
        }
        int asked = system.provider.profile().calls().size();

        LambdaResponse limited = system.adoptTokens(id, unknown);

        assertThat(limited.getStatusCode()).as(limited.getBody()).isEqualTo(429);
        assertThat(json(limited).path("error").asText()).isEqualTo("rate_limited");
        assertThat(Long.parseLong(limited.getHeaders().get("Retry-After"))).isBetween(1L, 60L);
        assertThat(system.provider.profile().calls()).hasSize(asked);
        assertThat(system.account(id).get(Accounts.TOKEN_CIPHERTEXT)).isEqualTo(before.get(Accounts.TOKEN_CIPHERTEXT));
        assertThat(system.account(id).get(Accounts.TOKEN_VERSION)).isEqualTo(before.get(Accounts.TOKEN_VERSION));
        // another account's limit is its own
        assertThat(system.adoptTokens(other, unknown).getStatusCode()).isEqualTo(400);

        // a minute later the account takes adoptions again
        system.clock.advance(Duration.ofSeconds(61));
        JsonNode own = system.proxyRefreshesItself(
                system.decryptTokens(id, system.account(id)).refreshToken());
        LambdaResponse adopted = system.adoptTokens(
                id,
                adoptBody(
                        1,
                        own.path("access_token").asText(),
                        own.path("refresh_token").asText()));
        assertThat(adopted.getStatusCode()).as(adopted.getBody()).isEqualTo(200);
    }

    private static String adoptBody(long base, String accessToken, String refreshToken) {
        return ReauthSystem.JSON
                .createObjectNode()
                .put("baseTokenVersion", base)
                .put("accessToken", accessToken)
                .put("refreshToken", refreshToken)
                .put("expiresAt", Instant.now().plus(Duration.ofHours(8)).toEpochMilli())
                .toString();
    }

    /**
     * {@code before} with the rate limit's two attributes and the hand-over mark (which the refresher's grace
     * window reads) as {@code now} has them: the only ones a refusal writes.
     */
    private static Map<String, AttributeValue> withoutRateLimit(
            Map<String, AttributeValue> now, Map<String, AttributeValue> before) {
        Map<String, AttributeValue> expected = new HashMap<>(before);
        for (String counter :
                List.of(Accounts.ADOPTION_WINDOW_AT, Accounts.ADOPTION_COUNT, Accounts.ADOPTION_ATTEMPT_AT)) {
            expected.put(counter, now.get(counter));
        }
        return expected;
    }

    private static final String ADOPTION = "arn:aws:execute-api:" + ResolvedTemplate.REGION + ":"
            + ResolvedTemplate.ACCOUNT + ":HttpApi/$default/POST/accounts/5f0c7a1e-any-account/tokens";
    private static final String REFRESH = "arn:aws:execute-api:" + ResolvedTemplate.REGION + ":"
            + ResolvedTemplate.ACCOUNT + ":HttpApi/$default/POST/accounts/5f0c7a1e-any-account/refresh";

    @Test
    void aProxyRole_withFleetPolicy_isRefusedTheAdoptionRoute_butMayAskForARefresh() {
        DeploymentShapes.all().forEach((shape, template) -> {
            List<JsonNode> fleet = IamPrincipals.of(template).get("FleetPolicy");

            assertThat(invokes(fleet, ADOPTION)).as(shape).isFalse();
            assertThat(invokes(fleet, REFRESH)).as(shape).isTrue();
        });
    }

    @Test
    void theAgentRole_withAgentPolicy_mayAdopt_andNothingElse() {
        DeploymentShapes.all().forEach((shape, template) -> {
            List<JsonNode> agent = IamPrincipals.of(template).get("AgentPolicy");

            assertThat(invokes(agent, ADOPTION)).as(shape).isTrue();
            assertThat(invokes(agent, REFRESH)).as(shape).isFalse();
            assertThat(agent)
                    .as(shape)
                    .allSatisfy(s -> assertThat(IamPrincipals.actions(s)).containsExactly("execute-api:Invoke"));
            assertThat(template.outputs()).as(shape).containsKey("AgentPolicyArn");
        });
    }

    /** Whether an Allow statement grants execute-api:Invoke on {@code arn} ({@code *} matching any characters, as in IAM). */
    private static boolean invokes(List<JsonNode> statements, String arn) {
        return statements.stream()
                .filter(IamPrincipals::allows)
                .filter(s -> IamPrincipals.actions(s).contains("execute-api:Invoke"))
                .flatMap(s -> IamPrincipals.resources(s).stream())
                .anyMatch(pattern -> matches(pattern, arn));
    }

    private static boolean matches(String pattern, String arn) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.matches(regex.toString(), arn);
    }
}
