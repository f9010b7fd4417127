package dev.reauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may publish, subscribe and decrypt, as the resource policies say (what no emulator enforces):
 * each topic's policy denies sns:Publish to every principal but the roles of exactly the functions whose
 * IAM policy publishes to it (and CloudWatch, on a topic alarms notify), and sns:Subscribe to other
 * accounts; a topic that carries alerts is encrypted with a key of the stack that CloudWatch may use;
 * the token key denies kms:Decrypt and kms:ReEncrypt* to every principal but its tagged or named users,
 * and every function carries that tag.
 */
final class TrustPolicyRule {

    static final String KEY_USER_TAG = "reauth-key-user";
    private static final String CLOUDWATCH = "cloudwatch.amazonaws.com";

    private TrustPolicyRule() {}

    /** One line per broken rule; empty when they all hold. */
    static List<String> violations(ResolvedTemplate template) {
        List<String> violations = new ArrayList<>();
        Map<String, List<JsonNode>> principals = IamPrincipals.of(template);
        JsonNode resources = template.resources();
        resources.fields().forEachRemaining(r -> {
            if (r.getValue().path("Type").asText().equals("AWS::SNS::Topic")) {
                checkTopic(template, principals, r.getKey(), violations);
            }
        });
        checkTokenKey(template, violations);
        return violations;
    }

    private static void checkTopic(
            ResolvedTemplate template, Map<String, List<JsonNode>> principals, String topic, List<String> violations) {
        String arn = arnOf(template, topic);
        Set<String> publishers = new TreeSet<>();
        principals.forEach((principal, statements) -> {
            boolean publishes = statements.stream()
                    .anyMatch(s -> IamPrincipals.allows(s)
                            && IamPrincipals.actions(s).contains("sns:Publish")
                            && IamPrincipals.resources(s).contains(arn));
            if (publishes) {
                publishers.add("arn:aws:iam::" + ResolvedTemplate.ACCOUNT + ":role/" + principal + "Role");
            }
        });
        boolean alarmsNotify = alarmsNotify(template, arn);
        List<JsonNode> policy = topicPolicy(template, arn);
        if (policy.isEmpty()) {
            violations.add(topic + " has no topic policy: anyone IAM allows may publish to it");
            return;
        }
        boolean publishDenied = policy.stream()
                .anyMatch(s -> deniesToAll(s, "sns:Publish")
                        && publishers.equals(new TreeSet<>(
                                values(s.path("Condition").path("ArnNotEquals").path("aws:PrincipalArn"))))
                        && (alarmsNotify
                                ? values(s.path("Condition")
                                                .path("StringNotEquals")
                                                .path("aws:PrincipalServiceName"))
                                        .equals(List.of(CLOUDWATCH))
                                : !s.path("Condition").has("StringNotEquals")));
        if (!publishDenied) {
            violations.add(topic + "'s policy does not deny sns:Publish to every principal but " + publishers
                    + (alarmsNotify ? " and CloudWatch" : ""));
        }
        boolean subscribeDenied = policy.stream()
                .anyMatch(s -> deniesToAll(s, "sns:Subscribe")
                        && values(s.path("Condition").path("StringNotEquals").path("aws:PrincipalAccount"))
                                .equals(List.of(ResolvedTemplate.ACCOUNT)));
        if (!subscribeDenied) {
            violations.add(topic + "'s policy lets other accounts subscribe");
        }
        boolean carriesAlerts = principals.keySet().stream()
                .filter(p -> template.resource(p).path("Type").asText().equals("AWS::Serverless::Function"))
                .anyMatch(p -> arn.equals(template.environment(p).get("ALERTS_TOPIC_ARN")));
        if (carriesAlerts || alarmsNotify) {
            checkEncrypted(template, topic, alarmsNotify, violations);
        }
    }

    private static void checkEncrypted(
            ResolvedTemplate template, String topic, boolean alarmsNotify, List<String> violations) {
        String keyRef = template.resource(topic)
                .path("Properties")
                .path("KmsMasterKeyId")
                .asText("");
        if (keyRef.isEmpty()) {
            violations.add(topic + " carries alerts (re-auth links) but is not encrypted");
            return;
        }
        if (!alarmsNotify) {
            return;
        }
        // CloudWatch alarms can publish to an encrypted topic only under a key whose policy lets CloudWatch use it
        boolean cloudWatchMayUse = false;
        JsonNode[] keys = {null};
        template.resources().fields().forEachRemaining(r -> {
            if (r.getValue().path("Type").asText().equals("AWS::KMS::Key") && keyRef.equals("key-" + r.getKey())) {
                keys[0] = r.getValue();
            }
        });
        if (keys[0] != null) {
            cloudWatchMayUse =
                    ResolvedTemplate.list(
                                    keys[0].path("Properties").path("KeyPolicy").path("Statement"))
                            .stream()
                            .anyMatch(s -> IamPrincipals.allows(s)
                                    && values(s.path("Principal").path("Service"))
                                            .contains(CLOUDWATCH)
                                    && IamPrincipals.actions(s)
                                            .containsAll(List.of("kms:Decrypt", "kms:GenerateDataKey*")));
        }
        if (!cloudWatchMayUse) {
            violations.add(topic + " is notified by alarms, but its key (" + keyRef
                    + ") is not a key of this stack that lets CloudWatch use it");
        }
    }

    private static void checkTokenKey(ResolvedTemplate template, List<String> violations) {
        List<String> functions = new ArrayList<>();
        template.resources().fields().forEachRemaining(r -> {
            if (r.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                functions.add(r.getKey());
            }
        });
        String tokenKeyArn = template.environment(functions.getFirst()).get("TOKEN_KEY_ID");
        JsonNode[] key = {null};
        template.resources().fields().forEachRemaining(r -> {
            if (r.getValue().path("Type").asText().equals("AWS::KMS::Key")
                    && tokenKeyArn.endsWith(":key/key-" + r.getKey())) {
                key[0] = r.getValue();
            }
        });
        if (key[0] == null) {
            violations.add("the functions' TOKEN_KEY_ID is no key of this stack");
            return;
        }
        List<JsonNode> statements = ResolvedTemplate.list(
                key[0].path("Properties").path("KeyPolicy").path("Statement"));
        boolean denies = statements.stream()
                .anyMatch(s -> deniesToAll(s, "kms:Decrypt")
                        && IamPrincipals.actions(s).contains("kms:ReEncrypt*")
                        && values(s.path("Condition").path("StringNotEquals").path("aws:PrincipalTag/" + KEY_USER_TAG))
                                .equals(List.of(ResolvedTemplate.STACK))
                        && s.path("Condition").path("ArnNotLike").has("aws:PrincipalArn"));
        if (!denies) {
            violations.add("the token key does not deny kms:Decrypt and kms:ReEncrypt* to every principal but"
                    + " roles tagged " + KEY_USER_TAG + "=" + ResolvedTemplate.STACK + " and TokenKeyUserArns");
        }
        for (String function : functions) {
            if (!ResolvedTemplate.STACK.equals(template.functionTags(function).get(KEY_USER_TAG))) {
                violations.add(function + "'s role lacks the tag " + KEY_USER_TAG + "=" + ResolvedTemplate.STACK);
            }
        }
    }

    private static boolean deniesToAll(JsonNode statement, String action) {
        return "Deny".equals(statement.path("Effect").asText())
                && values(statement.path("Principal").path("AWS")).equals(List.of("*"))
                && IamPrincipals.actions(statement).contains(action);
    }

    private static List<JsonNode> topicPolicy(ResolvedTemplate template, String topicArn) {
        List<JsonNode> statements = new ArrayList<>();
        template.resources().fields().forEachRemaining(r -> {
            JsonNode props = r.getValue().path("Properties");
            if (r.getValue().path("Type").asText().equals("AWS::SNS::TopicPolicy")
                    && values(props.path("Topics")).contains(topicArn)) {
                statements.addAll(
                        ResolvedTemplate.list(props.path("PolicyDocument").path("Statement")));
            }
        });
        return statements;
    }

    private static boolean alarmsNotify(ResolvedTemplate template, String topicArn) {
        boolean[] notified = {false};
        template.resources().fields().forEachRemaining(r -> {
            if (r.getValue().path("Type").asText().equals("AWS::CloudWatch::Alarm")
                    && values(r.getValue().path("Properties").path("AlarmActions"))
                            .contains(topicArn)) {
                notified[0] = true;
            }
        });
        return notified[0];
    }

    private static String arnOf(ResolvedTemplate template, String topic) {
        return "arn:aws:sns:" + ResolvedTemplate.REGION + ":" + ResolvedTemplate.ACCOUNT + ":" + topic;
    }

    private static List<String> values(JsonNode node) {
        return ResolvedTemplate.list(node).stream().map(JsonNode::asText).toList();
    }
}
