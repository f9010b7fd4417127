package dev.reauth.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reauth.oauth.AccountMode;
import dev.reauth.oauth.OAuthState;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Completions bound to one account (a re-auth link's): nothing but that account's own re-authentication completes. */
class BoundCompletionTest {

    private final InMemoryBackend backend = new InMemoryBackend();
    private final ReauthService service =
            backend.service(Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC));

    @Test
    void startReauthOf_startsTheAccountsReauthentication_byId_neverAllowingAnotherProviderAccount() {
        Account work = backend.seed("work", AccountMode.MAX, 4);

        StartedAuthorization started = service.startReauthOf(new AccountId(work.id()), Optional.of("re-auth link"));

        OAuthSession session =
                backend.sessions.get(new OAuthState(state(started)).hash()).session();
        assertThat(session.intent()).isEqualTo(SessionIntent.REAUTH);
        assertThat(session.accountId()).isEqualTo(work.id());
        assertThat(session.baseTokenVersion()).isEqualTo(4);
        assertThat(session.allowAccountChange()).isFalse();
        assertThat(session.initiator()).contains("re-auth link");
    }

    @Test
    void startReauthOf_anUnknownId_isNotFound_andStoresNothing() {
        assertThatThrownBy(() -> service.startReauthOf(new AccountId("no-such-id"), Optional.empty()))
                .isInstanceOf(ReauthException.AccountNotFound.class);
        assertThat(backend.sessions).isEmpty();
    }

    @Test
    void boundCompletion_completesTheBoundAccountsSession() {
        Account work = backend.seed("work", AccountMode.MAX, 1);
        String state = state(service.startReauthOf(new AccountId(work.id()), Optional.empty()));

        CompletedAuthorization done = service.complete(CallbackRequest.of("c#" + state, null), work.id());

        assertThat(done.tokenVersion()).isEqualTo(2);
        assertThat(done.message()).isEqualTo("Account 'work' has been successfully re-authenticated");
    }

    @Test
    void boundCompletion_refusesAnotherAccountsSession_beforeAnyExchange_andLeavesItUsable() {
        Account work = backend.seed("work", AccountMode.MAX, 1);
        backend.seed("other", AccountMode.MAX, 1);
        String othersState = state(service.startReauth(new AccountName("other"), Optional.empty()));

        assertThatThrownBy(() -> service.complete(CallbackRequest.of("c#" + othersState, null), work.id()))
                .isInstanceOf(ReauthException.InvalidRequest.class)
                .hasMessageContaining("another account");

        assertThat(backend.exchangedCodes).isEmpty();
        assertThat(service.complete(CallbackRequest.of("c#" + othersState, null))
                        .accountName())
                .isEqualTo("other");
    }

    @Test
    void boundCompletion_refusesAnAddSession_evenForTheSameName() {
        Account work = backend.seed("work", AccountMode.MAX, 1);
        String addState = state(service.startAdd(new AccountName("newcomer"), AccountMode.MAX, Optional.empty()));

        assertThatThrownBy(() -> service.complete(CallbackRequest.of("c#" + addState, null), work.id()))
                .isInstanceOf(ReauthException.InvalidRequest.class);
        assertThat(backend.exchangedCodes).isEmpty();
    }

    private static String state(StartedAuthorization started) {
        for (String pair : URI.create(started.authorizationUrl()).getRawQuery().split("&")) {
            if (pair.startsWith("state=")) {
                return pair.substring("state=".length());
            }
        }
        throw new AssertionError("no state in the authorization URL");
    }
}
