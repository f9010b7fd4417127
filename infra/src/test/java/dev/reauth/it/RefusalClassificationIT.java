package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.local.LocalOAuthProvider.Login;
import dev.reauth.local.RefreshGrants;
import dev.reauth.local.RefreshGrants.Fault;
import dev.reauth.wire.Schema.Accounts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Refused refreshes end in the state the official client would give them, with exactly the alerts
 * described: a suspended account is on hold (proxies told, no link), a scope refused once is retried
 * without scope and refreshes, a scope refused twice is scope_changed, a refused client is one alert
 * for the stack and kills nothing, a CDN's HTML 403 passes. Against the local provider's faults and
 * the real emulator.
 */
class RefusalClassificationIT extends LinkSystemIT {

    @Test
    void eachRefusal_endsInItsState_withExactlyItsAlerts_andNothingDeadThatIsNotDead() throws Exception {
        RefreshGrants grants = system.provider.refreshGrants();
        String held = boundAccount("c-on-hold", Login.of("held@example.com"));
        String scopedOnce = boundAccount("c-scope-once", Login.of("once@example.com"));
        String scopeChanged = boundAccount("c-scope-changed", Login.of("changed@example.com"));
        String clientA = boundAccount("c-client-a", Login.of("client-a@example.com"));
        String clientB = boundAccount("c-client-b", Login.of("client-b@example.com"));
        String cdn = boundAccount("c-cdn", Login.of("cdn@example.com"));
        system.receive(Duration.ofSeconds(2));
        system.alerts(Duration.ofSeconds(1));
        long scopedOnceVersion = version(scopedOnce);

        grants.failNext(Fault.ACCOUNT_ON_HOLD);
        system.refreshNow(held, null);
        grants.failNext(Fault.INVALID_SCOPE);
        system.refreshNow(scopedOnce, null);
        grants.failNext(Fault.INVALID_SCOPE, Fault.INVALID_SCOPE);
        system.refreshNow(scopeChanged, null);
        grants.failNext(Fault.INVALID_CLIENT, Fault.INVALID_CLIENT);
        system.refreshNow(clientA, null);
        system.refreshNow(clientB, null);
        grants.failNext(Fault.HTML_FORBIDDEN);
        system.refreshNow(cdn, null);

        // on hold: out of service, marked on hold, not a dead token
        Map<String, AttributeValue> heldItem = system.account(held);
        assertThat(heldItem.get(Accounts.REQUIRES_REAUTH).bool()).isTrue();
        assertThat(heldItem.get(Accounts.REAUTH_REASON).s()).isEqualTo("on_hold");
        assertThat(heldItem.get(Accounts.ON_HOLD).bool()).isTrue();
        assertThat(heldItem).containsKey(Accounts.ON_HOLD_AT);
        // a scope refused once: retried without scope, refreshed
        assertThat(version(scopedOnce)).isEqualTo(scopedOnceVersion + 1);
        assertThat(system.account(scopedOnce).get(Accounts.REQUIRES_REAUTH).bool())
                .isFalse();
        // refused twice: the scopes changed, a login is needed
        assertThat(system.account(scopeChanged).get(Accounts.REAUTH_REASON).s()).isEqualTo("scope_changed");
        // the client refused, and a CDN page: nothing dead, a retry later
        for (String alive : List.of(clientA, clientB, cdn)) {
            Map<String, AttributeValue> item = system.account(alive);
            assertThat(item.get(Accounts.REQUIRES_REAUTH).bool()).as(alive).isFalse();
            assertThat(item).as(alive).doesNotContainKey(Accounts.REAUTH_REASON);
        }
        assertThat(system.account(clientA).get(Accounts.LAST_REFRESH_RESULT).s())
                .isEqualTo("provider_refused:invalid_client");
        assertThat(system.account(cdn).get(Accounts.LAST_REFRESH_RESULT).s()).isEqualTo("provider_error");

        List<String> alerts = new ArrayList<>();
        for (JsonNode alert : system.alerts(Duration.ofSeconds(5))) {
            alerts.add(alert.path("kind").asText() + ":"
                    + alert.path("accountName").asText());
            if (alert.path("kind").asText().equals("on_hold")) {
                assertThat(alert.path("what").asText()).contains("The provider suspended the account");
                assertThat(alert.path("fix").asText()).doesNotContain(WEB_BASE_URL);
            }
            if (alert.path("kind").asText().equals("dead")) {
                assertThat(alert.path("fix").asText()).contains(WEB_BASE_URL + "/r/");
                system.rememberLink(
                        alert.path("fix").asText().replaceAll(".*?(https://\\S+/r/[A-Za-z0-9_-]{43}).*", "$1"));
            }
        }
        assertThat(alerts)
                .containsExactlyInAnyOrder(
                        "on_hold:c-on-hold", "dead:c-scope-changed", "configuration:(every account)");

        // the fleet hears that the suspended account is out of service, and why
        List<String> reauthRequired = new ArrayList<>();
        for (Message m : system.receive(Duration.ofSeconds(3))) {
            JsonNode event = ReauthSystem.JSON.readTree(
                    ReauthSystem.JSON.readTree(m.body()).path("Message").asText());
            if (event.path("type").asText().equals("account.reauth.required")) {
                reauthRequired.add(event.path("accountName").asText() + ":"
                        + event.path("reason").asText());
            }
        }
        assertThat(reauthRequired).containsExactlyInAnyOrder("c-on-hold:on_hold", "c-scope-changed:scope_changed");
    }

    private long version(String id) {
        return Long.parseLong(system.account(id).get(Accounts.TOKEN_VERSION).n());
    }
}
