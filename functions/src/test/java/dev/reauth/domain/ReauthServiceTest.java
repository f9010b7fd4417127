package dev.reauth.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reauth.oauth.AccountMode;
import dev.reauth.oauth.OAuthState;
import dev.reauth.oauth.TokenResponse;
import dev.reauth.wire.TokenEvent;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.threeten.extra.MutableClock;

class ReauthServiceTest {

    private final InMemoryBackend backend = new InMemoryBackend();
    private final MutableClock clock = MutableClock.of(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);
    private final ReauthService service = backend.service(clock);

    @Test
    void startReauth_storesOnlyTheStateHash_andTheUrlCarriesTheStoredVerifiersChallenge() {
        // GIVEN
        backend.seed("work", AccountMode.MAX, 3);

        // WHEN
        StartedAuthorization started =
                service.startReauth(new AccountName("work"), Optional.of("arn:aws:iam::1:user/ops"));

        // THEN
        Map<String, String> query = query(started.authorizationUrl());
        OAuthState state = new OAuthState(query.get("state"));
        OAuthSession session = backend.sessions.get(state.hash()).session();
        assertThat(backend.sessions).doesNotContainKey(state.value());
        assertThat(query.get("code_challenge")).isEqualTo(session.verifier().s256Challenge());
        assertThat(session.baseTokenVersion()).isEqualTo(3);
        assertThat(session.initiator()).contains("arn:aws:iam::1:user/ops");
        assertThat(session.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
        assertThat(started.authorizationUrl()).startsWith("https://claude.com/cai/oauth/authorize?");
    }

    @Test
    void startReauth_consoleAccount_usesTheConsoleUrl() {
        backend.seed("billing", AccountMode.CONSOLE, 0);
        assertThat(service.startReauth(new AccountName("billing"), Optional.empty())
                        .authorizationUrl())
                .startsWith("https://platform.claude.com/oauth/authorize?");
    }

    @Test
    void startReauth_unknownAccount_isNotFound_andStoresNothing() {
        assertThatThrownBy(() -> service.startReauth(new AccountName("nobody"), Optional.empty()))
                .isInstanceOf(ReauthException.AccountNotFound.class)
                .hasMessageContaining("'nobody'");
        assertThat(backend.sessions).isEmpty();
    }

    @Test
    void startAdd_existingName_isRefused() {
        backend.seed("work", AccountMode.MAX, 1);
        assertThatThrownBy(() -> service.startAdd(new AccountName("work"), AccountMode.MAX, Optional.empty()))
                .isInstanceOf(ReauthException.AccountExists.class);
        assertThat(backend.sessions).isEmpty();
    }

    @Test
    void complete_rotatesOnce_publishes_andAReplayIsSessionUsed() {
        Account account = backend.seed("work", AccountMode.MAX, 3);
        String state = query(service.startReauth(new AccountName("work"), Optional.empty())
                        .authorizationUrl())
                .get("state");

        CompletedAuthorization done = service.complete(CallbackRequest.of("code-1#" + state, null));

        assertThat(done.tokenVersion()).isEqualTo(4);
        assertThat(done.cacheFlushed()).isTrue();
        assertThat(backend.published).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(TokenEvent.TOKENS_ROTATED);
            assertThat(e.accountId()).isEqualTo(account.id());
            assertThat(e.tokenVersion()).isEqualTo(4);
        });
        assertThatThrownBy(() -> service.complete(CallbackRequest.of("code-1#" + state, null)))
                .isInstanceOf(ReauthException.SessionUsed.class);
        assertThat(backend.exchangedCodes).containsExactly("code-1");
    }

    @Test
    void complete_codeRejected_releasesTheSession_soTheRightCodeStillWorks() {
        backend.seed("work", AccountMode.MAX, 0);
        String state = query(service.startReauth(new AccountName("work"), Optional.empty())
                        .authorizationUrl())
                .get("state");
        backend.tokenEndpoint = code -> code.value().equals("wrong")
                ? new TokenResponse.Refused(400, "invalid_grant")
                : InMemoryBackend.granted("ok");

        assertThatThrownBy(() -> service.complete(CallbackRequest.of("wrong#" + state, null)))
                .isInstanceOf(ReauthException.CodeRejected.class);
        assertThat(backend.published).isEmpty();

        assertThat(service.complete(CallbackRequest.of("right#" + state, null)).tokenVersion())
                .isEqualTo(1);
    }

    @Test
    void complete_providerRefusalNotAboutTheCode_isAProviderFailure() {
        backend.seed("work", AccountMode.MAX, 0);
        String state = query(service.startReauth(new AccountName("work"), Optional.empty())
                        .authorizationUrl())
                .get("state");
        backend.tokenEndpoint = code -> new TokenResponse.Refused(401, "invalid_client");

        assertThatThrownBy(() -> service.complete(CallbackRequest.of("c#" + state, null)))
                .isInstanceOf(ReauthException.ProviderFailed.class);
    }

    @Test
    void complete_afterExpiry_isSessionExpired_andNothingIsExchanged() {
        backend.seed("work", AccountMode.MAX, 0);
        String state = query(service.startReauth(new AccountName("work"), Optional.empty())
                        .authorizationUrl())
                .get("state");
        clock.add(Duration.ofMinutes(10));

        assertThatThrownBy(() -> service.complete(CallbackRequest.of("c#" + state, null)))
                .isInstanceOf(ReauthException.SessionExpired.class);
        assertThat(backend.exchangedCodes).isEmpty();
    }

    @Test
    void complete_consoleAccount_sealsTheApiKeyWithTheTokens() {
        Account account = backend.seed("billing", AccountMode.CONSOLE, 0);
        String state = query(service.startReauth(new AccountName("billing"), Optional.empty())
                        .authorizationUrl())
                .get("state");

        service.complete(CallbackRequest.of("c#" + state, null));

        assertThat(backend.sealedBundles.get(account.id()).apiKey()).contains("sk-ant-api-for-access-c");
    }

    @Test
    void complete_whenPublishFails_theWriteStands_andTheResultSaysSo() {
        Account account = backend.seed("work", AccountMode.MAX, 7);
        String state = query(service.startReauth(new AccountName("work"), Optional.empty())
                        .authorizationUrl())
                .get("state");
        backend.publishFails = true;

        CompletedAuthorization done = service.complete(CallbackRequest.of("c#" + state, null));

        assertThat(done.cacheFlushed()).isFalse();
        assertThat(backend.accounts.get(account.id()).tokenVersion()).isEqualTo(8);
    }

    @Test
    void add_createsTheAccountAtVersionOne() {
        String state = query(service.startAdd(new AccountName("new"), AccountMode.MAX, Optional.empty())
                        .authorizationUrl())
                .get("state");

        CompletedAuthorization done = service.complete(CallbackRequest.of("c#" + state, null));

        assertThat(done.created()).isTrue();
        assertThat(backend.findByName(new AccountName("new")))
                .hasValueSatisfying(a -> assertThat(a.tokenVersion()).isEqualTo(1));
    }

    @Test
    void complete_unboundAccount_recordsTheProviderAccount_andNamesItInTheResult() {
        Account account = backend.seed("work", AccountMode.MAX, 2);
        String state = query(service.startReauth(new AccountName("work"), Optional.empty())
                        .authorizationUrl())
                .get("state");
        backend.tokenEndpoint = code -> InMemoryBackend.grantedTo("a", "uuid-ops", "ops@example.com");

        CompletedAuthorization done = service.complete(CallbackRequest.of("c#" + state, null));

        assertThat(done.identity())
                .hasValueSatisfying(i -> assertThat(i.label()).isEqualTo("ops@example.com"));
        assertThat(backend.boundIdentities).containsEntry(account.id(), "uuid-ops");
    }

    @Test
    void complete_otherProviderAccount_isMismatch_writesNothing_andTheSessionStaysOpenForTheRightOne() {
        Account account = backend.seed("work", AccountMode.MAX, 2);
        backend.boundIdentities.put(account.id(), "uuid-ops");
        String state = query(service.startReauth(new AccountName("work"), Optional.empty())
                        .authorizationUrl())
                .get("state");
        backend.tokenEndpoint = code -> code.value().equals("outsider")
                ? InMemoryBackend.grantedTo("x", "uuid-outsider", "eve@example.com")
                : InMemoryBackend.grantedTo("y", "uuid-ops", "ops@example.com");

        assertThatThrownBy(() -> service.complete(CallbackRequest.of("outsider#" + state, null)))
                .isInstanceOf(ReauthException.AccountMismatch.class);
        assertThat(backend.accounts.get(account.id()).tokenVersion()).isEqualTo(2);
        assertThat(backend.published).isEmpty();

        assertThat(service.complete(CallbackRequest.of("owner#" + state, null)).tokenVersion())
                .isEqualTo(3);
    }

    @Test
    void complete_otherProviderAccount_isAccepted_whenTheOperatorAllowedTheChange() {
        Account account = backend.seed("work", AccountMode.MAX, 2);
        backend.boundIdentities.put(account.id(), "uuid-ops");
        String state = query(service.startReauth(new AccountName("work"), Optional.empty(), true)
                        .authorizationUrl())
                .get("state");
        backend.tokenEndpoint = code -> InMemoryBackend.grantedTo("x", "uuid-new", "new@example.com");

        assertThat(service.complete(CallbackRequest.of("c#" + state, null)).tokenVersion())
                .isEqualTo(3);
        assertThat(backend.boundIdentities).containsEntry(account.id(), "uuid-new");
    }

    @Test
    void complete_writeFailsAfterTheExchange_saysTheCodeIsSpent_andReleasesTheSession() {
        backend.seed("work", AccountMode.MAX, 0);
        String state = query(service.startReauth(new AccountName("work"), Optional.empty())
                        .authorizationUrl())
                .get("state");
        backend.writeFails = true;

        assertThatThrownBy(() -> service.complete(CallbackRequest.of("c#" + state, null)))
                .isInstanceOf(ReauthException.DependencyFailed.class)
                .hasMessageContaining("open the authorization URL again for a fresh code");

        backend.writeFails = false;
        assertThat(service.complete(CallbackRequest.of("fresh#" + state, null)).tokenVersion())
                .isEqualTo(1);
    }

    @Test
    void complete_invalidRequestFromTheProvider_pointsAtTheConfiguration_notAtThePastedCode() {
        backend.seed("work", AccountMode.MAX, 0);
        String state = query(service.startReauth(new AccountName("work"), Optional.empty())
                        .authorizationUrl())
                .get("state");
        backend.tokenEndpoint = code -> new TokenResponse.Refused(400, "invalid_request");

        assertThatThrownBy(() -> service.complete(CallbackRequest.of("c#" + state, null)))
                .isInstanceOf(ReauthException.ProviderFailed.class)
                .hasMessageContaining("OAuth configuration");
    }

    @Test
    void startAdd_whileAnotherAddHoldsTheName_isNameReserved_untilThatSessionExpires() {
        service.startAdd(new AccountName("new"), AccountMode.MAX, Optional.empty());

        assertThatThrownBy(() -> service.startAdd(new AccountName("new"), AccountMode.MAX, Optional.empty()))
                .isInstanceOf(ReauthException.NameReserved.class);

        clock.add(Duration.ofMinutes(10));
        assertThat(service.startAdd(new AccountName("new"), AccountMode.MAX, Optional.empty())
                        .accountName())
                .isEqualTo("new");
    }

    @Test
    void complete_ofAnAccountThatRequiredReauth_tellsThePeopleWhoWereAlerted_thatItRecovered() {
        backend.seed("dead", AccountMode.MAX, 4, true);
        backend.seed("alive", AccountMode.MAX, 4, false);
        String deadState = query(service.startReauth(new AccountName("dead"), Optional.of("arn:aws:iam::1:user/ops"))
                        .authorizationUrl())
                .get("state");
        String aliveState = query(service.startReauth(new AccountName("alive"), Optional.empty())
                        .authorizationUrl())
                .get("state");

        service.complete(CallbackRequest.of("c1#" + deadState, null));
        service.complete(CallbackRequest.of("c2#" + aliveState, null));

        assertThat(backend.alerts).singleElement().satisfies(alert -> {
            assertThat(alert.kind()).isEqualTo(Alert.Kind.RECOVERED);
            assertThat(alert.accountName()).isEqualTo("dead");
            assertThat(alert.what()).contains("token_version 5").contains("arn:aws:iam::1:user/ops");
        });
    }

    @Test
    void reload_unknownId_isNotFound_andPublishesNothing() {
        assertThatThrownBy(() -> service.requestReload(new AccountId("missing")))
                .isInstanceOf(ReauthException.AccountNotFound.class);
        assertThat(backend.published).isEmpty();
    }

    @Test
    void reload_byName_tellsTheFleetAboutThatAccount_andAnUnknownNameIsNotFound() {
        Account work = backend.seed("work", AccountMode.MAX, 6);
        backend.seed("other", AccountMode.MAX, 2);

        assertThat(service.requestReload(new AccountName("work"))).isEqualTo(work);
        assertThatThrownBy(() -> service.requestReload(new AccountName("nobody")))
                .isInstanceOf(ReauthException.AccountNotFound.class)
                .hasMessage("No account named 'nobody'");

        assertThat(backend.published)
                .containsExactly(new TokenEvent(TokenEvent.RELOAD_REQUESTED, work.id(), "work", 6, clock.instant()));
    }

    private static Map<String, String> query(String url) {
        return Arrays.stream(URI.create(url).getRawQuery().split("&"))
                .map(p -> p.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> URLDecoder.decode(kv[1], StandardCharsets.UTF_8)));
    }
}
