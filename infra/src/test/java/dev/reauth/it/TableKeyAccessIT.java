package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/**
 * {@link TableKeyAccessRule} on template.yaml in every deployment shape, and on mutated templates that
 * must fail it: what an emulator cannot show (DynamoDB uses a customer managed table key with each
 * caller's permissions) checked before AWS answers 503.
 */
class TableKeyAccessIT {

    @Test
    void everyPrincipalOfACustomerManagedKeyTable_holdsTheKeyThroughDynamoDb_inEveryDeploymentShape() {
        assertThat(TableKeyAccessRule.violations(ResolvedTemplate.project(DeploymentShapes.DEFAULTS)))
                .isEmpty();
        DeploymentShapes.all()
                .forEach((shape, template) -> assertThat(TableKeyAccessRule.violations(template))
                        .as(shape)
                        .isEmpty());
    }

    @Test
    void existingAccountsTableKey_isGrantedThroughDynamoDb_toEveryRoleThatUsesTheTable() {
        ResolvedTemplate template = ResolvedTemplate.project(DeploymentShapes.EXISTING_TABLE_WITH_CMK);

        assertThat(TableKeyAccessRule.customerManagedKeyTables(template))
                .containsExactly(new TableKeyAccessRule.KeyedTable(
                        DeploymentShapes.EXISTING_TABLE_NAME,
                        "arn:aws:dynamodb:" + ResolvedTemplate.REGION + ":" + ResolvedTemplate.ACCOUNT + ":table/"
                                + DeploymentShapes.EXISTING_TABLE_NAME,
                        DeploymentShapes.EXISTING_TABLE_KEY_ARN));
        assertThat(TableKeyAccessRule.violations(template)).isEmpty();
        // and without the key parameter, nobody holds any key through DynamoDB
        ResolvedTemplate withoutKey = ResolvedTemplate.project(DeploymentShapes.EXISTING_TABLE);
        IamPrincipals.of(withoutKey)
                .forEach((principal, statements) -> assertThat(statements)
                        .as(principal)
                        .noneMatch(s -> s.path("Condition").toString().contains("kms:ViaService")));
    }

    @Test
    void rule_fails_whenTheSessionsTableIsEncryptedWithTheTokenKey_andNoRoleHoldsIt() {
        // the template as it was: SessionsTable under TokenKey, and no role that uses the table holds the key
        // (start and callback then; the refresher and the web function too, since they keep re-auth links there)
        ObjectNode mutated = ResolvedTemplate.projectTree();
        ((ObjectNode) mutated.at("/Resources/SessionsTable/Properties/SSESpecification"))
                .set("KMSMasterKeyId", mutated.objectNode().put("Ref", "TokenKey"));

        assertThat(TableKeyAccessRule.violations(ResolvedTemplate.of(mutated, Map.of())))
                .hasSize(4)
                .anySatisfy(v -> assertThat(v)
                        .startsWith("StartReauthFunction reads or writes SessionsTable")
                        .contains("kms:Decrypt, kms:Encrypt, kms:GenerateDataKey, kms:DescribeKey"))
                .anySatisfy(v -> assertThat(v).startsWith("CallbackFunction reads or writes SessionsTable"))
                .anySatisfy(v -> assertThat(v).startsWith("RefreshFunction reads or writes SessionsTable"))
                .anySatisfy(v -> assertThat(v).startsWith("WebFunction reads or writes SessionsTable"));
    }

    @Test
    void rule_fails_whenTheFleetPolicyLacksTheExistingTablesKey() {
        ObjectNode mutated = ResolvedTemplate.projectTree();
        removeKeyGrant((ArrayNode) mutated.at("/Resources/FleetPolicy/Properties/PolicyDocument/Statement"));

        assertThat(TableKeyAccessRule.violations(
                        ResolvedTemplate.of(mutated, DeploymentShapes.EXISTING_TABLE_WITH_CMK)))
                .singleElement(InstanceOfAssertFactories.STRING)
                .startsWith("FleetPolicy reads or writes " + DeploymentShapes.EXISTING_TABLE_NAME);
    }

    @Test
    void rule_fails_whenTheKeyIsGrantedOnlyUnderConditionsDynamoDbCannotMeet() {
        ObjectNode mutated = ResolvedTemplate.projectTree();
        for (JsonNode statement : mutated.at("/Resources/ListAccountsFunction/Properties/Policies/0/Statement")) {
            JsonNode grant = statement.path("Fn::If").path(1);
            if (grant.has("Condition")) {
                ((ObjectNode) grant.path("Condition").path("StringEquals"))
                        .put("kms:ViaService", "sns.eu-west-1.amazonaws.com");
            }
        }

        assertThat(TableKeyAccessRule.violations(
                        ResolvedTemplate.of(mutated, DeploymentShapes.EXISTING_TABLE_WITH_CMK)))
                .singleElement(InstanceOfAssertFactories.STRING)
                .startsWith("ListAccountsFunction reads or writes");
    }

    @Test
    void existingAccountsTableKey_mustBeAKeyArn() {
        assertThatThrownBy(() -> ResolvedTemplate.project(
                        Map.of("ExistingAccountsTableName", "t", "ExistingAccountsTableKmsKeyArn", "alias/fleet")))
                .hasMessageContaining("AllowedPattern");
    }

    private static void removeKeyGrant(ArrayNode statements) {
        for (int i = statements.size() - 1; i >= 0; i--) {
            if (statements.get(i).toString().contains("kms:ViaService")) {
                statements.remove(i);
            }
        }
    }
}
