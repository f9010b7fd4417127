package dev.reauth.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;

/**
 * Reads the DynamoDB table definitions out of {@code template.yaml}, so the local run and the tests
 * create exactly the tables a deployment creates (keys, indexes, TTL attribute).
 */
public final class TemplateTables {

    private final JsonNode resources;

    private TemplateTables(JsonNode resources) {
        this.resources = resources;
    }

    public static TemplateTables load(Path template) {
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(template.toFile());
            return new TemplateTables(root.path("Resources"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + template, e);
        }
    }

    /** The CreateTable request for the template resource {@code logicalId}, under another table name. */
    public CreateTableRequest createRequest(String logicalId, String tableName) {
        JsonNode props = properties(logicalId);
        List<AttributeDefinition> attributes = new ArrayList<>();
        props.path("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder()
                .attributeName(a.path("AttributeName").asText()).attributeType(a.path("AttributeType").asText()).build()));
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        props.path("GlobalSecondaryIndexes").forEach(gsi -> {
            JsonNode projection = gsi.path("Projection");
            List<String> nonKey = new ArrayList<>();
            projection.path("NonKeyAttributes").forEach(n -> nonKey.add(n.asText()));
            Projection.Builder p = Projection.builder().projectionType(projection.path("ProjectionType").asText("ALL"));
            if (!nonKey.isEmpty()) {
                p.nonKeyAttributes(nonKey);
            }
            indexes.add(GlobalSecondaryIndex.builder().indexName(gsi.path("IndexName").asText())
                    .keySchema(keySchema(gsi.path("KeySchema"))).projection(p.build()).build());
        });
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.fromValue(props.path("BillingMode").asText("PAY_PER_REQUEST")))
                .attributeDefinitions(attributes)
                .keySchema(keySchema(props.path("KeySchema")));
        if (!indexes.isEmpty()) {
            request.globalSecondaryIndexes(indexes);
        }
        return request.build();
    }

    /** The TTL attribute of the table, when the template enables one. */
    public Optional<String> ttlAttribute(String logicalId) {
        JsonNode ttl = properties(logicalId).path("TimeToLiveSpecification");
        return ttl.path("Enabled").asBoolean(false) ? Optional.of(ttl.path("AttributeName").asText()) : Optional.empty();
    }

    /** The index names the template gives the table. */
    public List<String> indexNames(String logicalId) {
        List<String> names = new ArrayList<>();
        properties(logicalId).path("GlobalSecondaryIndexes").forEach(g -> names.add(g.path("IndexName").asText()));
        return names;
    }

    private JsonNode properties(String logicalId) {
        JsonNode resource = resources.path(logicalId);
        if (!"AWS::DynamoDB::Table".equals(resource.path("Type").asText())) {
            throw new IllegalArgumentException("template.yaml has no DynamoDB table " + logicalId);
        }
        return resource.path("Properties");
    }

    private static List<KeySchemaElement> keySchema(JsonNode schema) {
        List<KeySchemaElement> keys = new ArrayList<>();
        schema.forEach(k -> keys.add(KeySchemaElement.builder()
                .attributeName(k.path("AttributeName").asText()).keyType(k.path("KeyType").asText()).build()));
        return keys;
    }
}
