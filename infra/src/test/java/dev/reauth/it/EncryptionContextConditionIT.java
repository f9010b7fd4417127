package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The patched evaluator reads kms:EncryptionContext:* condition keys (iam-simulate 0.1.173 ignores them unpatched,
 * so every token policy would look denied, or a wrong context would go unnoticed): a policy conditioned on the
 * context allows the request carrying it, and denies one carrying another value or none.
 */
class EncryptionContextConditionIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    private static final DeployedPolicies.Principal PROXY = new DeployedPolicies.Principal(
            "proxy", "arn:aws:iam::123456789012:role/proxy", List.of(policy("""
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "%s",
                      "Condition": {"StringEquals": {"kms:EncryptionContext:purpose": "reauth:oauth-tokens"},
                                    "Null": {"kms:EncryptionContext:account_id": "false"}}}]}
                    """.formatted(KEY))));

    private static final JsonNode KEY_POLICY = policy("""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
              "Action": "kms:*", "Resource": "*"}]}
            """);

    @Test
    void aContextCondition_allowsTheRightContext_andDeniesAWrongOrMissingOne() {
        List<PolicyEvaluator.Verdict> verdicts = PolicyEvaluator.evaluate(
                arn -> arn.equals(KEY) ? KEY_POLICY : null,
                List.of(
                        decrypt(Map.of("purpose", "reauth:oauth-tokens", "account_id", "a1")),
                        decrypt(Map.of("purpose", "other", "account_id", "a1")),
                        decrypt(Map.of("account_id", "a1")),
                        decrypt(Map.of("purpose", "reauth:oauth-tokens")),
                        decrypt(Map.of())));

        assertThat(verdicts)
                .extracting(PolicyEvaluator.Verdict::result)
                .containsExactly(
                        "Allowed", "ImplicitlyDenied", "ImplicitlyDenied", "ImplicitlyDenied", "ImplicitlyDenied");
        assertThat(verdicts).allSatisfy(v -> assertThat(v.ignoredContextKeys()).isEmpty());
    }

    private static PolicyEvaluator.Request decrypt(Map<String, String> encryptionContext) {
        Map<String, List<String>> context = new java.util.LinkedHashMap<>();
        encryptionContext.forEach((k, v) -> context.put("kms:EncryptionContext:" + k, List.of(v)));
        return new PolicyEvaluator.Request(PROXY, "kms:Decrypt", KEY, context);
    }

    private static JsonNode policy(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
