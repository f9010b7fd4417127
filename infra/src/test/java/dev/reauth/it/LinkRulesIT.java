package dev.reauth.it;

import static dev.reauth.it.ReauthSystem.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.aws.DynamoLinkStore;
import dev.reauth.link.LinkToken;
import dev.reauth.local.AwsEmulator;
import dev.reauth.testing.Race;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.Schema.Sessions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The rules of a one-time re-auth link on the emulator: only a hash at rest, 24 hours, revocable,
 * replaced by a newer link, spent by a completed re-authentication, and bounded in starts and
 * completions by conditional writes, also when requests race.
 */
class LinkRulesIT extends LinkSystemIT {

    @Test
    void issue_answersALinkToTheWebApi_andStoresOnlyTheHashOfItsToken_boundToTheAccount() {
        String id = system.seedAccount("stored", Map.of());

        LambdaResponse issued = system.issueLink("stored");

        assertThat(issued.getStatusCode()).as(issued.getBody()).isEqualTo(200);
        String url = json(issued).path("url").asText();
        String token = ReauthSystem.tokenOf(url);
        assertThat(url).isEqualTo(WEB_BASE_URL + "/r/" + token);
        assertThat(token).matches("[A-Za-z0-9_-]{43}");
        assertThat(json(issued).path("accountId").asText()).isEqualTo(id);
        // nothing in the table holds the token: only its SHA-256, under the link's key and on the account's pointer
        List<Map<String, AttributeValue>> items = system.aws
                .dynamo()
                .scan(s -> s.tableName(system.aws.sessionsTable()))
                .items();
        assertThat(items.toString()).doesNotContain(token);
        String hash = LinkToken.parse(token).orElseThrow().hash();
        Map<String, AttributeValue> link = linkItem(token);
        assertThat(link.get(Sessions.STATE_HASH).s()).isEqualTo(DynamoLinkStore.LINK_PREFIX + hash);
        assertThat(link.get(Sessions.ACCOUNT_ID).s()).isEqualTo(id);
        assertThat(sessionsItem(DynamoLinkStore.POINTER_PREFIX + id)
                        .get(DynamoLinkStore.LINK_HASH)
                        .s())
                .isEqualTo(hash);
        // 24 hours by default, and the table's TTL removes it a day after that
        Instant expiresAt = Instant.ofEpochMilli(
                Long.parseLong(link.get(Sessions.EXPIRES_AT).n()));
        Instant createdAt = Instant.ofEpochMilli(
                Long.parseLong(link.get(Sessions.CREATED_AT).n()));
        assertThat(Duration.between(createdAt, expiresAt)).isEqualTo(Duration.ofHours(24));
        assertThat(Instant.parse(json(issued).path("expiresAt").asText()).toEpochMilli())
                .isEqualTo(expiresAt.toEpochMilli());
        assertThat(Long.parseLong(link.get(Sessions.TTL).n()))
                .isEqualTo(expiresAt.plus(Duration.ofDays(1)).getEpochSecond());
    }

    @Test
    void issue_forAnUnknownAccount_is404_andStoresNothing() {
        long before = system.aws
                .dynamo()
                .scan(s -> s.tableName(system.aws.sessionsTable()))
                .count();

        LambdaResponse issued = system.issueLink("nobody-here");

        assertThat(issued.getStatusCode()).isEqualTo(404);
        assertThat(json(issued).path("error").asText()).isEqualTo("account_not_found");
        assertThat(system.aws
                        .dynamo()
                        .scan(s -> s.tableName(system.aws.sessionsTable()))
                        .count())
                .isEqualTo(before);
    }

    @Test
    void completedReauthentication_spendsTheLink_soItsPageSaysUsed_andItCannotStartAgain() {
        String id = boundAccount("spent", OPS);
        String token = system.issuedLinkToken("spent");

        LambdaResponse done = system.linkComplete(token, startAndLogIn(token, OPS));

        assertThat(done.getStatusCode()).as(done.getBody()).isEqualTo(200);
        assertThat(json(done).path("message").asText())
                .isEqualTo("Account 'spent' (ops@example.com) has been successfully re-authenticated");
        assertThat(json(done).path("detail").asText()).isEqualTo("Token cache has been cleared for running servers.");
        assertThat(system.account(id).get(Accounts.TOKEN_VERSION).n()).isEqualTo("2");
        assertThat(linkItem(token)).containsKey(DynamoLinkStore.SPENT_AT);
        LambdaResponse page = system.linkPage(token);
        assertThat(page.getStatusCode()).isEqualTo(410);
        assertThat(page.getBody()).contains("This link was already used");
        LambdaResponse again = system.linkStart(token);
        assertThat(again.getStatusCode()).isEqualTo(410);
        assertThat(json(again).path("error").asText()).isEqualTo("link_used");
        assertThat(system.account(id).get(Accounts.TOKEN_VERSION).n()).isEqualTo("2");
    }

    @Test
    void aSessionStartedBeforeTheLinkWasSpent_cannotCompleteThroughItAfterwards() {
        String id = boundAccount("spent-twice", OPS);
        String token = system.issuedLinkToken("spent-twice");
        String first = startAndLogIn(token, OPS);
        String second = startAndLogIn(token, OPS);
        assertThat(system.linkComplete(token, first).getStatusCode()).isEqualTo(200);

        LambdaResponse late = system.linkComplete(token, second);

        assertThat(late.getStatusCode()).isEqualTo(410);
        assertThat(json(late).path("error").asText()).isEqualTo("link_used");
        assertThat(system.account(id).get(Accounts.TOKEN_VERSION).n()).isEqualTo("2");
    }

    @Test
    void revoke_endsTheLink_evenForASessionItAlreadyStarted_andSaysWhetherOneWasLive() {
        String id = boundAccount("revoked-link", OPS);
        String token = system.issuedLinkToken("revoked-link");
        String pasted = startAndLogIn(token, OPS);

        LambdaResponse revoked = system.revokeLink("revoked-link");

        assertThat(revoked.getStatusCode()).isEqualTo(200);
        assertThat(json(revoked).path("revoked").asBoolean()).isTrue();
        LambdaResponse page = system.linkPage(token);
        assertThat(page.getStatusCode()).isEqualTo(410);
        assertThat(page.getBody()).contains("This link was revoked");
        LambdaResponse complete = system.linkComplete(token, pasted);
        assertThat(complete.getStatusCode()).isEqualTo(410);
        assertThat(json(complete).path("error").asText()).isEqualTo("link_revoked");
        assertThat(system.account(id).get(Accounts.TOKEN_VERSION).n()).isEqualTo("1");
        assertThat(json(system.revokeLink("revoked-link")).path("revoked").asBoolean())
                .isFalse();
    }

    @Test
    void aNewLink_replacesTheAccountsEarlierOne() {
        system.seedAccount("replaced", Map.of());
        String older = system.issuedLinkToken("replaced");

        String newer = system.issuedLinkToken("replaced");

        assertThat(system.linkPage(older).getStatusCode()).isEqualTo(410);
        assertThat(system.linkStart(older).getStatusCode()).isEqualTo(410);
        assertThat(system.linkPage(newer).getStatusCode()).isEqualTo(200);
    }

    @Test
    void after24Hours_theLinkHasExpired_itsPageSaysSo_andNeitherStepWorks() {
        boundAccount("expiring", OPS);
        String token = system.issuedLinkToken("expiring");
        String pasted = startAndLogIn(token, OPS);

        system.clock.advance(Duration.ofHours(24).plusSeconds(1));

        LambdaResponse page = system.linkPage(token);
        assertThat(page.getStatusCode()).isEqualTo(410);
        assertThat(page.getBody()).contains("This link has expired");
        assertThat(json(system.linkStart(token)).path("error").asText()).isEqualTo("link_expired");
        assertThat(json(system.linkComplete(token, pasted)).path("error").asText())
                .isEqualTo("link_expired");
    }

    @Test
    void starts_areBounded_andTheBoundHolds_whenStartsRace() throws Exception {
        assumeAtomicConditionalWrites();
        system.seedAccount("busy-starts", Map.of());
        String token = system.issuedLinkToken("busy-starts");

        List<Integer> statuses = Race.race(8, () -> system.linkStart(token).getStatusCode());

        assertThat(statuses).filteredOn(status -> status == 200).hasSize(MAX_STARTS);
        assertThat(statuses)
                .filteredOn(status -> status != 200)
                .allSatisfy(status -> assertThat(status).isIn(409, 429));
        assertThat(linkItem(token).get(DynamoLinkStore.STARTS).n()).isEqualTo(Integer.toString(MAX_STARTS));
        LambdaResponse page = system.linkPage(token);
        assertThat(page.getStatusCode()).isEqualTo(429);
        assertThat(page.getBody()).contains("tried too many times");
        assertThat(json(system.linkStart(token)).path("error").asText()).isEqualTo("link_exhausted");
    }

    @Test
    void completions_areBounded_soWrongCodesUseTheLinkUp_andEvenTheRightCodeIsRefusedAfter() {
        String id = boundAccount("guessed", OPS);
        String token = system.issuedLinkToken("guessed");
        String right = startAndLogIn(token, OPS);
        String state = right.substring(right.indexOf('#') + 1);

        for (int i = 0; i < MAX_COMPLETIONS; i++) {
            LambdaResponse wrong = system.linkComplete(token, "not-the-code-" + i + "#" + state);
            assertThat(wrong.getStatusCode()).as(wrong.getBody()).isEqualTo(400);
            assertThat(json(wrong).path("error").asText()).isEqualTo("invalid_grant");
        }
        LambdaResponse refused = system.linkComplete(token, right);

        assertThat(refused.getStatusCode()).isEqualTo(429);
        assertThat(json(refused).path("error").asText()).isEqualTo("link_exhausted");
        assertThat(system.account(id).get(Accounts.TOKEN_VERSION).n()).isEqualTo("1");
        // the operator's own session for the account is not the link's business: it still works
        assertThat(system.pasteCode(system.provider
                                .authorize(ReauthSystem.authorizationUrl(system.startReauth("guessed")), OPS)
                                .pasted())
                        .getStatusCode())
                .isEqualTo(200);
    }

    @Test
    void racingCompletions_exchangeOneCode_andTheLinkIsSpentOnce() throws Exception {
        assumeAtomicConditionalWrites();
        String id = boundAccount("racing-link", OPS);
        String token = system.issuedLinkToken("racing-link");
        String pasted = startAndLogIn(token, OPS);
        int tokenRequests = system.provider.tokenRequests();

        List<Integer> statuses =
                Race.race(6, () -> system.linkComplete(token, pasted).getStatusCode());

        assertThat(statuses).filteredOn(status -> status == 200).hasSize(1);
        assertThat(system.provider.tokenRequests() - tokenRequests).isEqualTo(1);
        assertThat(system.account(id).get(Accounts.TOKEN_VERSION).n()).isEqualTo("2");
        assertThat(system.linkPage(token).getStatusCode()).isEqualTo(410);
    }

    private static void assumeAtomicConditionalWrites() {
        Assumptions.assumeFalse(
                AwsEmulator.kind().equals("moto"),
                "moto_server does not apply DynamoDB conditional writes atomically under concurrent requests");
    }
}
