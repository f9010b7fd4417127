package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.aws.DynamoLinkStore;
import dev.reauth.link.LinkToken;
import dev.reauth.local.LocalOAuthProvider.Login;
import dev.reauth.wire.Schema.Sessions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Base of the re-auth link tests: one {@link ReauthSystem} per class whose functions know the web API's
 * address and allow three starts and three completions per link; after the class, proof that no log
 * line holds a link token (nor any other secret).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LinkSystemIT {

    static final String WEB_BASE_URL = "https://w3bl1nk000.execute-api.us-east-1.amazonaws.com";
    static final int MAX_STARTS = 3;
    static final int MAX_COMPLETIONS = 3;
    static final Login OPS = Login.of("ops@example.com");
    static final Login OUTSIDER = Login.of("eve@example.net");

    protected ReauthSystem system;

    @BeforeAll
    void startSystem() {
        LogCapture.install();
        system = new ReauthSystem(
                null,
                Map.of(
                        "WEB_BASE_URL",
                        WEB_BASE_URL,
                        "LINK_MAX_STARTS",
                        Integer.toString(MAX_STARTS),
                        "LINK_MAX_COMPLETIONS",
                        Integer.toString(MAX_COMPLETIONS)));
    }

    @AfterAll
    void noSecretWasLogged() {
        try {
            SystemIT.assertNoSecretsLogged(system.secrets());
        } finally {
            system.close();
        }
    }

    /** An account bound to {@code login} by one re-authentication through the operator's API; its id. */
    String boundAccount(String name, Login login) {
        String id = system.seedAccount(name, Map.of());
        LambdaResponse done = system.pasteCode(system.provider
                .authorize(ReauthSystem.authorizationUrl(system.startReauth(name)), login)
                .pasted());
        assertThat(done.getStatusCode()).as(done.getBody()).isEqualTo(200);
        return id;
    }

    /** The stored link item of a token, read straight from the sessions table. */
    Map<String, AttributeValue> linkItem(String token) {
        return sessionsItem(DynamoLinkStore.LINK_PREFIX
                + LinkToken.parse(token).orElseThrow().hash());
    }

    Map<String, AttributeValue> sessionsItem(String key) {
        Map<String, AttributeValue> item = system.aws
                .dynamo()
                .getItem(g -> g.tableName(system.aws.sessionsTable())
                        .consistentRead(true)
                        .key(Map.of(Sessions.STATE_HASH, AttributeValue.fromS(key))))
                .item();
        return item == null ? Map.of() : item;
    }

    /** Starts through the link and logs in at the provider as {@code login}: the value its page would get pasted. */
    String startAndLogIn(String token, Login login) {
        LambdaResponse started = system.linkStart(token);
        assertThat(started.getStatusCode()).as(started.getBody()).isEqualTo(200);
        return system.provider
                .authorize(ReauthSystem.json(started).path("authorizationUrl").asText(), login)
                .pasted();
    }
}
