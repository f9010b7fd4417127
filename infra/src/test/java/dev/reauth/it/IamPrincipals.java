package dev.reauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The IAM permissions a resolved template hands out: every function role (SAM inline policies) and every
 * managed, role or inline policy, each with its statements. A policy shape it cannot read (a SAM policy
 * template, a managed policy ARN, NotAction) fails, so no grant escapes the checks built on it.
 */
final class IamPrincipals {

    private IamPrincipals() {}

    /** Principal (logical id of the function or policy) to its statements, Allow and Deny. */
    static Map<String, List<JsonNode>> of(ResolvedTemplate template) {
        Map<String, List<JsonNode>> principals = new LinkedHashMap<>();
        template.resources().fields().forEachRemaining(r -> {
            JsonNode props = r.getValue().path("Properties");
            List<JsonNode> statements = new ArrayList<>();
            switch (r.getValue().path("Type").asText()) {
                case "AWS::Serverless::Function" -> {
                    if (props.has("Role")) {
                        throw new IllegalArgumentException(r.getKey() + " names its own Role: add it to IamPrincipals");
                    }
                    for (JsonNode policy : ResolvedTemplate.list(props.path("Policies"))) {
                        if (!policy.isObject() || !policy.has("Statement")) {
                            throw new IllegalArgumentException(
                                    r.getKey() + " has a policy IamPrincipals cannot read: " + policy);
                        }
                        statements.addAll(ResolvedTemplate.list(policy.path("Statement")));
                    }
                }
                case "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy" ->
                    statements.addAll(
                            ResolvedTemplate.list(props.path("PolicyDocument").path("Statement")));
                case "AWS::IAM::Role" -> {
                    for (JsonNode policy : ResolvedTemplate.list(props.path("Policies"))) {
                        statements.addAll(ResolvedTemplate.list(
                                policy.path("PolicyDocument").path("Statement")));
                    }
                }
                default -> {
                    return;
                }
            }
            for (JsonNode statement : statements) {
                if (statement.has("NotAction") || statement.has("NotResource")) {
                    throw new IllegalArgumentException(
                            r.getKey() + " uses NotAction/NotResource, which the checks do not read");
                }
            }
            principals.put(r.getKey(), statements);
        });
        return principals;
    }

    /** The statement's actions, as written (patterns). */
    static List<String> actions(JsonNode statement) {
        return ResolvedTemplate.list(statement.path("Action")).stream()
                .map(JsonNode::asText)
                .toList();
    }

    /** The statement's resources, as written (patterns). */
    static List<String> resources(JsonNode statement) {
        return ResolvedTemplate.list(statement.path("Resource")).stream()
                .map(JsonNode::asText)
                .toList();
    }

    static boolean allows(JsonNode statement) {
        return "Allow".equals(statement.path("Effect").asText());
    }

    /** Whether an IAM pattern ({@code *} and {@code ?} wildcards) matches a value; actions compare case-insensitively. */
    static boolean matches(String pattern, String value, boolean ignoreCase) {
        String p = ignoreCase ? pattern.toLowerCase(Locale.ROOT) : pattern;
        StringBuilder regex = new StringBuilder();
        for (char c : p.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.matches(regex.toString(), ignoreCase ? value.toLowerCase(Locale.ROOT) : value);
    }

    /** Whether the statement's actions cover {@code action}. */
    static boolean coversAction(JsonNode statement, String action) {
        return actions(statement).stream().anyMatch(a -> matches(a, action, true));
    }
}
