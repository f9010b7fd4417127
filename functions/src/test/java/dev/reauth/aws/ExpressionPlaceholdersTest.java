package dev.reauth.aws;

import static dev.reauth.aws.RecordingDynamo.assertPlaceholdersMatch;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The check the adapter tests lean on refuses what DynamoDB refuses. */
class ExpressionPlaceholdersTest {

    private static final AttributeValue ONE = AttributeValue.fromN("1");

    @Test
    void matchingPlaceholders_pass() {
        assertThatCode(() -> assertPlaceholdersMatch(
                        Map.of("#v", "token_version"),
                        Map.of(":base", ONE, ":next", ONE),
                        "SET #v = :next",
                        "#v = :base"))
                .doesNotThrowAnyException();
    }

    @Test
    void anUnusedName_orValue_fails() {
        assertThatThrownBy(() -> assertPlaceholdersMatch(
                        Map.of("#v", "token_version", "#x", "x"), Map.of(":next", ONE), "SET #v = :next"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertPlaceholdersMatch(
                        Map.of("#v", "token_version"), Map.of(":next", ONE, ":spare", ONE), "SET #v = :next"))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void anUndefinedName_orValue_fails() {
        assertThatThrownBy(() -> assertPlaceholdersMatch(Map.of(), Map.of(":next", ONE), "SET #v = :next"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertPlaceholdersMatch(Map.of("#v", "token_version"), Map.of(), "SET #v = :next"))
                .isInstanceOf(AssertionError.class);
    }
}
