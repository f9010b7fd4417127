package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link TrustPolicyRule} on template.yaml in every deployment shape, and on mutated templates that must
 * fail it: the topic and key policies stay in place although no emulator enforces them.
 */
class TrustPoliciesIT {

    @Test
    void topicAndKeyPolicies_holdInEveryDeploymentShape() {
        DeploymentShapes.all()
                .forEach((shape, template) -> assertThat(TrustPolicyRule.violations(template))
                        .as(shape)
                        .isEmpty());
    }

    @Test
    void rule_fails_whenATopicLosesItsPolicy() {
        ObjectNode mutated = ResolvedTemplate.projectTree();
        ((ObjectNode) mutated.path("Resources")).remove("TokenEventsTopicPolicy");

        assertThat(TrustPolicyRule.violations(ResolvedTemplate.of(mutated, Map.of())))
                .containsExactly("TokenEventsTopic has no topic policy: anyone IAM allows may publish to it");
    }

    @Test
    void rule_fails_whenAPublisherIsMissingFromTheTopicPolicy_orAnotherRoleIsExempted() {
        ObjectNode mutated = ResolvedTemplate.projectTree();
        ArrayNode exempted = (ArrayNode) mutated.at("/Resources/TokenEventsTopicPolicy/Properties/PolicyDocument"
                + "/Statement/0/Condition/ArnNotEquals/aws:PrincipalArn");
        exempted.remove(0);
        ObjectNode alerts = ResolvedTemplate.projectTree();
        ((ArrayNode) alerts.at("/Resources/AlertsTopicPolicy/Properties/PolicyDocument"
                        + "/Statement/0/Condition/ArnNotEquals/aws:PrincipalArn"))
                .add(alerts.objectNode().put("Fn::Sub", "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/proxy"));

        assertThat(TrustPolicyRule.violations(ResolvedTemplate.of(mutated, Map.of())))
                .singleElement()
                .asString()
                .startsWith("TokenEventsTopic's policy does not deny sns:Publish to every principal but");
        assertThat(TrustPolicyRule.violations(ResolvedTemplate.of(alerts, Map.of())))
                .singleElement()
                .asString()
                .startsWith("AlertsTopic's policy does not deny sns:Publish");
    }

    @Test
    void rule_fails_whenTheAlertsTopicIsNotEncrypted_orItsKeyShutsOutTheAlarms() {
        ObjectNode plain = ResolvedTemplate.projectTree();
        ((ObjectNode) plain.at("/Resources/AlertsTopic/Properties")).remove("KmsMasterKeyId");
        ObjectNode awsManaged = ResolvedTemplate.projectTree();
        ((ObjectNode) awsManaged.at("/Resources/AlertsTopic/Properties")).put("KmsMasterKeyId", "alias/aws/sns");

        assertThat(TrustPolicyRule.violations(ResolvedTemplate.of(plain, Map.of())))
                .containsExactly("AlertsTopic carries alerts (re-auth links) but is not encrypted");
        assertThat(TrustPolicyRule.violations(ResolvedTemplate.of(awsManaged, Map.of())))
                .singleElement()
                .asString()
                .contains("not a key of this stack that lets CloudWatch use it");
    }

    @Test
    void rule_fails_whenOtherAccountsMaySubscribe() {
        ObjectNode mutated = ResolvedTemplate.projectTree();
        ((ArrayNode) mutated.at("/Resources/AlertsTopicPolicy/Properties/PolicyDocument/Statement")).remove(2);

        assertThat(TrustPolicyRule.violations(ResolvedTemplate.of(mutated, Map.of())))
                .containsExactly("AlertsTopic's policy lets other accounts subscribe");
    }

    @Test
    void rule_fails_whenTheTokenKeyDelegatesDecryptToIam_orAFunctionLacksTheKeyUserTag() {
        ObjectNode delegating = ResolvedTemplate.projectTree();
        ((ArrayNode) delegating.at("/Resources/TokenKey/Properties/KeyPolicy/Statement")).remove(1);
        ObjectNode untagged = ResolvedTemplate.projectTree();
        ((ObjectNode) untagged.at("/Globals/Function")).remove("Tags");

        assertThat(TrustPolicyRule.violations(ResolvedTemplate.of(delegating, Map.of())))
                .singleElement()
                .asString()
                .startsWith("the token key does not deny kms:Decrypt and kms:ReEncrypt* to every principal");
        assertThat(TrustPolicyRule.violations(ResolvedTemplate.of(untagged, Map.of())))
                .hasSizeGreaterThanOrEqualTo(6)
                .allSatisfy(v -> assertThat(v).endsWith("'s role lacks the tag reauth-key-user=reauth"));
    }
}
