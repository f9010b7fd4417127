package dev.reauth.it;

import static dev.reauth.it.ReauthSystem.authorizationUrl;
import static dev.reauth.it.ReauthSystem.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.testing.Race;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.Schema.Sessions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A name is reserved when an add starts, so two operators adding one name cannot both succeed. */
class NameReservationIT extends SystemIT {

    @Test
    void tenConcurrentAddsOfOneName_exactlyOneGetsASession_andOneAccountIsCreated() throws Exception {
        List<LambdaResponse> starts =
                Race.race(10, () -> system.addAccount("{\"name\":\"contested\",\"mode\":\"max\"}"));

        List<LambdaResponse> won =
                starts.stream().filter(r -> r.getStatusCode() == 200).toList();
        assertThat(won).hasSize(1);
        assertThat(starts).filteredOn(r -> r.getStatusCode() != 200).hasSize(9).allSatisfy(r -> {
            assertThat(r.getStatusCode()).isEqualTo(409);
            assertThat(json(r).path("error").asText()).isEqualTo("name_reserved");
        });

        LambdaResponse done = system.pasteCode(
                system.provider.authorize(authorizationUrl(won.get(0))).pasted());
        assertThat(done.getStatusCode()).as(done.getBody()).isEqualTo(200);
        assertThat(accountsNamed("contested")).isEqualTo(1);
    }

    @Test
    void anAddWhoseReservationWasTakenOver_createsNothing() {
        String url = authorizationUrl(system.addAccount("{\"name\":\"taken-over\",\"mode\":\"max\"}"));
        // as if this session's reservation had expired and another add had taken the name
        system.aws
                .dynamo()
                .putItem(p -> p.tableName(system.aws.sessionsTable())
                        .item(Map.of(
                                Sessions.STATE_HASH, AttributeValue.fromS(Sessions.nameReservationKey("taken-over")),
                                Sessions.RESERVED_BY, AttributeValue.fromS("another-session"))));

        LambdaResponse done = system.pasteCode(system.provider.authorize(url).pasted());

        assertThat(done.getStatusCode()).isEqualTo(409);
        assertThat(json(done).path("error").asText()).isEqualTo("account_exists");
        assertThat(accountsNamed("taken-over")).isZero();
    }

    private long accountsNamed(String name) {
        return system.aws.dynamo().scan(s -> s.tableName(system.aws.accountsTable())).items().stream()
                .filter(item -> name.equals(item.get(Accounts.NAME).s()))
                .count();
    }
}
