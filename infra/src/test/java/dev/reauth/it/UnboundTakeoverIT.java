package dev.reauth.it;

import static dev.reauth.it.ReauthSystem.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.local.LocalOAuthProvider.IssuedTokens;
import dev.reauth.local.LocalOAuthProvider.Login;
import dev.reauth.wire.Schema.Accounts;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An account bound to no provider identity binds to whoever logs in first. So nobody who merely reads
 * an alert can take it: the refresher's alert names the command and carries no link, and the operator's
 * link route refuses such an account unless the operator chose {@code --bind-first-login}.
 */
class UnboundTakeoverIT extends LinkSystemIT {

    private static final Pattern ANY_LINK = Pattern.compile("/r/[A-Za-z0-9_-]{43}");
    private static final Login FLEET = Login.of("fleet-owner@example.com");
    private static final Login STRANGER = Login.of("stranger@example.com");

    @Test
    void aDeadUnboundAccountsAlert_namesTheCommand_andCarriesNoLinkAStrangerCouldUse() {
        String id = importedUnbound("unbound-dead");
        system.provider
                .refreshGrants()
                .revoke(system.decryptTokens(id, system.account(id)).refreshToken());
        system.alerts(Duration.ofSeconds(1));

        system.runSchedule();

        assertThat(system.account(id).get(Accounts.REQUIRES_REAUTH).bool()).isTrue();
        JsonNode alert = system.alerts(Duration.ofSeconds(5)).stream()
                .filter(a -> a.path("kind").asText().equals("dead")
                        && a.path("accountName").asText().equals("unbound-dead"))
                .findFirst()
                .orElseThrow();
        String fix = alert.path("fix").asText();
        assertThat(ANY_LINK.matcher(alert.toString()).find())
                .as(alert.toString())
                .isFalse();
        assertThat(fix).contains("reauth --reauthenticate unbound-dead").contains("bound to no provider account yet");
    }

    @Test
    void theOperatorsLinkRoute_refusesAnUnboundAccount_withoutBindFirstLogin_andIssuesNothing() {
        String id = importedUnbound("unbound-asked");
        Map<String, AttributeValue> before = system.account(id);

        var refused = system.issueLink("unbound-asked", false);

        assertThat(refused.getStatusCode()).isEqualTo(409);
        assertThat(json(refused).path("error").asText()).isEqualTo("account_unbound");
        assertThat(json(refused).path("error_description").asText())
                .contains("reauth link unbound-asked --bind-first-login");
        assertThat(ANY_LINK.matcher(refused.getBody()).find()).isFalse();
        assertThat(system.account(id)).isEqualTo(before);
    }

    @Test
    void withBindFirstLogin_theLinkSaysSo_andItsFirstLoginBindsTheAccount() {
        String id = importedUnbound("unbound-chosen");

        var issued = system.issueLink("unbound-chosen", true);

        assertThat(issued.getStatusCode()).as(issued.getBody()).isEqualTo(200);
        String token = system.rememberLink(json(issued).path("url").asText());
        assertThat(system.linkPage(token).getBody()).contains("bind the account on first login");
        var done = system.linkComplete(token, startAndLogIn(token, STRANGER));
        assertThat(done.getStatusCode()).as(done.getBody()).isEqualTo(200);
        assertThat(system.account(id).get(Accounts.PROVIDER_ACCOUNT_UUID).s()).isEqualTo(STRANGER.accountUuid());
    }

    @Test
    void aBoundAccount_stillGetsALink_withoutTheFlag() {
        boundAccount("bound-plain", FLEET);

        var issued = system.issueLink("bound-plain", false);

        assertThat(issued.getStatusCode()).as(issued.getBody()).isEqualTo(200);
        system.rememberLink(json(issued).path("url").asText());
    }

    /** An account a proxy held, imported with live tokens that are due soon; no identity is recorded. */
    /**
     * An account imported from a proxy whose access token the provider's profile endpoint no longer knows (it
     * expired in the proxy): reauth cannot tell whose the tokens are, so the import leaves it unbound.
     */
    private String importedUnbound(String name) {
        IssuedTokens tokens = system.provider.issueTokens(FLEET);
        var created = system.importAccount(ReauthSystem.JSON
                .createObjectNode()
                .put("name", name)
                .put("mode", "max")
                .put("accessToken", "expired-in-the-proxy")
                .put("refreshToken", tokens.refreshToken())
                .put("expiresAt", Instant.now().plus(Duration.ofMinutes(5)).toEpochMilli())
                .toString());
        assertThat(created.getStatusCode()).as(created.getBody()).isEqualTo(201);
        String id = json(created).path("accountId").asText();
        assertThat(system.account(id)).doesNotContainKey(Accounts.PROVIDER_ACCOUNT_UUID);
        return id;
    }
}
