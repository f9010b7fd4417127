package dev.reauth.it;

import java.util.LinkedHashMap;
import java.util.Map;

/** The parameter combinations that change template.yaml's shape, for checks that must hold in each. */
final class DeploymentShapes {

    static final String EXISTING_TABLE_NAME = "fleet-accounts";
    static final String EXISTING_TABLE_KEY_ARN = "arn:aws:kms:" + ResolvedTemplate.REGION + ":"
            + ResolvedTemplate.ACCOUNT + ":key/1234abcd-12ab-34cd-56ef-1234567890ab";

    static final Map<String, String> DEFAULTS = Map.of();
    static final Map<String, String> EXISTING_TABLE = Map.of("ExistingAccountsTableName", EXISTING_TABLE_NAME);
    static final Map<String, String> EXISTING_TABLE_WITH_CMK = Map.of(
            "ExistingAccountsTableName", EXISTING_TABLE_NAME, "ExistingAccountsTableKmsKeyArn", EXISTING_TABLE_KEY_ARN);
    static final Map<String, String> BROWSER_CALLBACK_ON_THIS_API = Map.of("OAuthRedirectUri", "this-api");
    static final Map<String, String> NO_RESERVED_CONCURRENCY = Map.of("CallbackReservedConcurrency", "0");

    private DeploymentShapes() {}

    /** Every shape by name, the defaults first. */
    static Map<String, ResolvedTemplate> all() {
        Map<String, ResolvedTemplate> shapes = new LinkedHashMap<>();
        shapes.put("defaults", ResolvedTemplate.project(DEFAULTS));
        shapes.put("existing accounts table", ResolvedTemplate.project(EXISTING_TABLE));
        shapes.put(
                "existing accounts table with a customer managed key",
                ResolvedTemplate.project(EXISTING_TABLE_WITH_CMK));
        shapes.put("browser callback on this API", ResolvedTemplate.project(BROWSER_CALLBACK_ON_THIS_API));
        shapes.put("no reserved concurrency", ResolvedTemplate.project(NO_RESERVED_CONCURRENCY));
        return shapes;
    }
}
