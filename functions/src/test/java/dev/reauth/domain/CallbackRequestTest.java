package dev.reauth.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CallbackRequestTest {

    private static final String STATE = "state-0123456789abcdef";

    @Test
    void pastedCodeAndState_splitOnTheFirstHash() {
        CallbackRequest request = CallbackRequest.of("the-code#" + STATE, null);
        assertThat(request.code().value()).isEqualTo("the-code");
        assertThat(request.state().value()).isEqualTo(STATE);
    }

    @Test
    void separateState_isUsedWhenThePasteHasNone() {
        CallbackRequest request = CallbackRequest.of("the-code", STATE);
        assertThat(request.state().value()).isEqualTo(STATE);
    }

    @Test
    void pastedStateDifferingFromGivenState_isRefused() {
        assertThatThrownBy(() -> CallbackRequest.of("the-code#" + STATE, "other-state-0123456789"))
                .isInstanceOf(ReauthException.InvalidRequest.class)
                .hasMessageContaining("differs");
    }

    @Test
    void sameStateBothWays_isAccepted() {
        assertThat(CallbackRequest.of("the-code#" + STATE, STATE).state().value())
                .isEqualTo(STATE);
    }

    @Test
    void noStateAtAll_isRefused() {
        assertThatThrownBy(() -> CallbackRequest.of("the-code", null))
                .isInstanceOf(ReauthException.InvalidRequest.class)
                .hasMessageContaining("state is required");
    }

    @Test
    void malformedValues_areRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> CallbackRequest.of("#" + STATE, null))
                .isInstanceOf(ReauthException.InvalidRequest.class);
        assertThatThrownBy(() -> CallbackRequest.of("secret code with spaces#" + STATE, null))
                .isInstanceOf(ReauthException.InvalidRequest.class)
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> CallbackRequest.of("code#short", null))
                .isInstanceOf(ReauthException.InvalidRequest.class);
    }

    @Test
    void toString_hidesCodeAndState() {
        assertThat(CallbackRequest.of("the-code#" + STATE, null).toString()).doesNotContain("the-code", STATE);
    }
}
