package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.local.RefreshGrants;
import dev.reauth.local.RefreshGrants.AfterRotation;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local provider's fault modes after rotation, as a refresher meets them over HTTP: each spends
 * the presented refresh token and makes a new one live, then damages or loses the answer. The
 * provider names the newest token of a chain, counts reused ones, and tells a listener as each
 * refresh is answered.
 */
class ProviderRotationFaultsIT {

    private final HttpClient http = HttpClient.newHttpClient();
    private LocalOAuthProvider provider;
    private RefreshGrants grants;

    @BeforeEach
    void start() {
        provider = LocalOAuthProvider.start();
        grants = provider.refreshGrants();
    }

    @AfterEach
    void stop() {
        provider.close();
    }

    @Test
    void rotateThen500_spendsTheTokenAndMakesAnotherLive_thatTheCallerNeverSees() throws Exception {
        String old = seed();
        grants.afterRotationNext(AfterRotation.SERVER_ERROR);

        HttpResponse<String> answer = refresh(old, Duration.ofSeconds(5));

        assertThat(answer.statusCode()).isEqualTo(500);
        assertThat(answer.body()).doesNotContain("refresh_token");
        String newest = grants.newestAfter(old);
        assertThat(newest).isNotEqualTo(old);
        assertThat(grants.isLiveRefreshToken(newest)).isTrue();
        assertThat(grants.isLiveRefreshToken(old)).isFalse();
        assertThat(grants.rotatedAnswersLost()).isEqualTo(1);
        // presenting the spent token again is a reuse, and invalid_grant
        HttpResponse<String> reused = refresh(old, Duration.ofSeconds(5));
        assertThat(reused.statusCode()).isEqualTo(400);
        assertThat(ReauthSystem.JSON.readTree(reused.body()).path("error").asText())
                .isEqualTo("invalid_grant");
        assertThat(grants.reusedRefreshTokens()).isEqualTo(1);
    }

    @Test
    void rotateThenAnswerSlowly_outlastsTheCallersTimeout_andTheRotationStands() throws Exception {
        String old = seed();
        grants.afterRotationDelay(Duration.ofSeconds(2));
        grants.afterRotationNext(AfterRotation.SLOW);

        assertThatThrownBy(() -> refresh(old, Duration.ofMillis(300))).isInstanceOf(HttpTimeoutException.class);

        assertThat(grants.isLiveRefreshToken(grants.newestAfter(old))).isTrue();
        assertThat(grants.newestAfter(old)).isNotEqualTo(old);
        assertThat(grants.isLiveRefreshToken(old)).isFalse();
    }

    @Test
    void rotateThenLose_dropsTheConnection_withoutAnAnswer() {
        String old = seed();
        grants.afterRotationNext(AfterRotation.LOST);

        assertThatThrownBy(() -> refresh(old, Duration.ofSeconds(5))).isInstanceOf(IOException.class);

        assertThat(grants.isLiveRefreshToken(grants.newestAfter(old))).isTrue();
        assertThat(grants.isLiveRefreshToken(old)).isFalse();
    }

    @Test
    void a2xxWithoutAnAccessToken_stillCarriesTheNewRefreshToken_whichRedeemsOnce() throws Exception {
        String old = seed();
        grants.afterRotationNext(AfterRotation.NO_ACCESS_TOKEN);

        JsonNode body = json(refresh(old, Duration.ofSeconds(5)));

        assertThat(body.has("access_token")).isFalse();
        assertThat(body.path("expires_in").asLong()).isPositive();
        String carried = body.path("refresh_token").asText();
        assertThat(carried).isEqualTo(grants.newestAfter(old)).isNotEqualTo(old);
        HttpResponse<String> again = refresh(carried, Duration.ofSeconds(5));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).path("access_token").asText()).isNotBlank();
        assertThat(grants.reusedRefreshTokens()).isZero();
    }

    @Test
    void a2xxWithoutExpiresIn_andOneWithoutTheInferenceScope_carryLiveTokens() throws Exception {
        String old = seed();
        grants.afterRotationNext(AfterRotation.NO_EXPIRES_IN, AfterRotation.NO_INFERENCE_SCOPE);

        JsonNode noExpiry = json(refresh(old, Duration.ofSeconds(5)));
        String second = noExpiry.path("refresh_token").asText();
        JsonNode noInference = json(refresh(second, Duration.ofSeconds(5)));

        assertThat(noExpiry.has("expires_in")).isFalse();
        assertThat(noExpiry.path("access_token").asText()).isNotBlank();
        assertThat(noExpiry.path("scope").asText()).contains("user:inference");
        assertThat(noInference.path("scope").asText()).isEqualTo("user:profile");
        assertThat(noInference.path("access_token").asText()).isNotBlank();
        assertThat(noInference.path("refresh_token").asText()).isEqualTo(grants.newestAfter(old));
        assertThat(grants.rotatedAnswersLost()).isZero();
    }

    @Test
    void theListener_hearsEachAnswer_rotatedOrNot_withItsFault() throws Exception {
        List<RefreshGrants.Answered> heard = new CopyOnWriteArrayList<>();
        grants.onRefreshAnswered(heard::add);
        String old = seed();
        grants.failNext(RefreshGrants.Fault.SERVER_ERROR);
        grants.afterRotationNext(AfterRotation.SERVER_ERROR);

        refresh(old, Duration.ofSeconds(5));
        refresh(old, Duration.ofSeconds(5));
        refresh(grants.newestAfter(old), Duration.ofSeconds(5));

        // the listener runs on the provider's thread once the answer is out: the caller may read it first
        await().untilAsserted(() -> assertThat(heard)
                .containsExactly(
                        new RefreshGrants.Answered(false, Optional.empty()),
                        new RefreshGrants.Answered(true, Optional.of(AfterRotation.SERVER_ERROR)),
                        new RefreshGrants.Answered(true, Optional.empty())));
    }

    @Test
    void theRotationHook_runsAfterTheRotation_beforeTheAnswerGoesOut_andOnlyForRotations() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        String old = seed();
        grants.onRotation(() -> order.add("rotated, old token live: " + grants.isLiveRefreshToken(old)));
        grants.onRefreshAnswered(answered -> order.add("answered"));
        grants.failNext(RefreshGrants.Fault.SERVER_ERROR);

        refresh(old, Duration.ofSeconds(5));
        refresh(old, Duration.ofSeconds(5));

        await().untilAsserted(() ->
                assertThat(order).containsExactly("answered", "rotated, old token live: false", "answered"));
    }

    @Test
    void shares_failAllOrNone_asAskedAndTheQueueComesFirst() throws Exception {
        String token = seed();
        grants.afterRotationShare(AfterRotation.SERVER_ERROR, 100);
        grants.afterRotationNext(AfterRotation.NO_EXPIRES_IN);

        JsonNode queued = json(refresh(token, Duration.ofSeconds(5)));
        HttpResponse<String> shared = refresh(queued.path("refresh_token").asText(), Duration.ofSeconds(5));
        grants.afterRotationShare(AfterRotation.SERVER_ERROR, 0);
        grants.serverErrorShare(100);
        HttpResponse<String> before = refresh(grants.newestAfter(token), Duration.ofSeconds(5));
        grants.serverErrorShare(0);
        HttpResponse<String> clean = refresh(grants.newestAfter(token), Duration.ofSeconds(5));

        assertThat(queued.has("expires_in")).isFalse();
        assertThat(shared.statusCode()).isEqualTo(500);
        assertThat(before.statusCode()).isEqualTo(500);
        assertThat(clean.statusCode()).isEqualTo(200);
        assertThat(json(clean).path("refresh_token").asText()).isEqualTo(grants.newestAfter(token));
        assertThat(grants.reusedRefreshTokens()).isZero();
        assertThat(grants.rotatedAnswersLost()).isEqualTo(1);
    }

    private String seed() {
        return provider.issueTokens(LocalOAuthProvider.Login.OWNER).refreshToken();
    }

    private HttpResponse<String> refresh(String refreshToken, Duration timeout)
            throws IOException, InterruptedException {
        String body = ReauthSystem.JSON
                .createObjectNode()
                .put("grant_type", "refresh_token")
                .put("refresh_token", refreshToken)
                .put("client_id", LocalOAuthProvider.CLIENT_ID)
                .toString();
        return http.send(
                HttpRequest.newBuilder(provider.providerConfig().tokenUrl())
                        .timeout(timeout)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return ReauthSystem.JSON.readTree(response.body());
    }
}
