package dev.reauth.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every refusal the official client tells apart, and its neighbours, classified as it does. */
class RefreshClassificationTest {

    @ParameterizedTest(name = "{0} {1} ({2}) is {3}")
    @CsvSource(
            nullValues = "-",
            value = {
                // dead: a refused refresh token, on 400 or 401 only
                "400, invalid_grant, -, DEAD",
                "401, invalid_grant, -, DEAD",
                "403, invalid_grant, -, TRANSIENT",
                "400, invalid_grant, refresh_token_expired, DEAD",
                // on hold: account_on_hold with invalid_grant or access_denied, on 400/401/403
                "400, invalid_grant, account_on_hold, ON_HOLD",
                "401, invalid_grant, account_on_hold, ON_HOLD",
                "403, invalid_grant, account_on_hold, ON_HOLD",
                "400, access_denied, account_on_hold, ON_HOLD",
                "401, access_denied, account_on_hold, ON_HOLD",
                "403, access_denied, account_on_hold, ON_HOLD",
                "404, access_denied, account_on_hold, TRANSIENT",
                "400, invalid_request, account_on_hold, TRANSIENT",
                "403, access_denied, -, TRANSIENT",
                // a person, not a retry
                "400, invalid_scope, -, SCOPE_CHANGED",
                "400, invalid_client, -, CONFIGURATION",
                "401, invalid_client, -, CONFIGURATION",
                "400, unauthorized_client, -, CONFIGURATION",
                // everything else passes
                "400, invalid_request, -, TRANSIENT",
                "400, unrecognized_error, -, TRANSIENT",
                "429, rate_limit_error, -, TRANSIENT",
                "400, -, -, TRANSIENT",
            })
    void classifiesAsTheOfficialClient(int status, String error, String description, RefusalClassification expected) {
        assertThat(RefusalClassification.of(status, error, Optional.ofNullable(description)))
                .isEqualTo(expected);
        assertThat(RefusalClassification.of(new TokenResponse.Refused(status, error, Optional.ofNullable(description))))
                .isEqualTo(expected);
    }
}
