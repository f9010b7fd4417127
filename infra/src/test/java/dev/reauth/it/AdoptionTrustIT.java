package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Handing tokens back (adoption) is the agent's role, not every proxy's: API Gateway lets a caller invoke
 * {@code POST /accounts/{id}/tokens} only if one of its policies allows that route's execute-api ARN.
 * The emulator enforces no IAM, so this reads the template's policies as IAM would match them.
 */
class AdoptionTrustIT {

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
