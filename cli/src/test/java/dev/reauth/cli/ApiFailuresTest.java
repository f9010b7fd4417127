package dev.reauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ApiFailuresTest {

    private static ApiClient.Answer answer(int status, String body) throws Exception {
        return new ApiClient.Answer(status, new ObjectMapper().readTree(body));
    }

    @Test
    void apiAnswers_mapToDistinctExitCodes() throws Exception {
        assertThat(ApiFailures.of(answer(404, "{\"error\":\"account_not_found\"}"), "x")
                        .exitCode())
                .isEqualTo(ExitCode.UNKNOWN_ACCOUNT);
        assertThat(ApiFailures.of(answer(410, "{\"error\":\"session_expired\"}"), "x")
                        .exitCode())
                .isEqualTo(ExitCode.SESSION_EXPIRED);
        assertThat(ApiFailures.of(answer(403, "{\"message\":\"Forbidden\"}"), "x")
                        .exitCode())
                .isEqualTo(ExitCode.NOT_AUTHORIZED);
        assertThat(ApiFailures.of(answer(400, "{\"error\":\"invalid_grant\"}"), "x")
                        .exitCode())
                .isEqualTo(ExitCode.CODE_NOT_ACCEPTED);
        assertThat(ApiFailures.of(answer(502, "{\"error\":\"provider_error\"}"), "x")
                        .exitCode())
                .isEqualTo(ExitCode.SERVER_ERROR);
        assertThat(ApiFailures.of(answer(503, "{}"), "x").exitCode()).isEqualTo(ExitCode.SERVER_ERROR);
    }

    @Test
    void forbidden_namesTheCause_expiredOrRejectedCredentials_orAMissingPermission() throws Exception {
        assertThat(ApiFailures.of(
                                answer(403, "{\"message\":\"The security token included in the request is expired\"}"),
                                "w")
                        .getMessage())
                .isEqualTo("AWS credentials expired: run `aws sso login` or set AWS_PROFILE");
        assertThat(ApiFailures.of(
                                answer(403, "{\"message\":\"The security token included in the request is invalid.\"}"),
                                "w")
                        .getMessage())
                .isEqualTo("the API did not accept these AWS credentials: run `aws sso login` or set AWS_PROFILE");
        assertThat(ApiFailures.of(answer(403, "{\"message\":\"Forbidden\"}"), "w")
                        .getMessage())
                .contains("execute-api:Invoke");
    }

    @Test
    void unknownAccount_isNamed() throws Exception {
        assertThat(ApiFailures.of(answer(404, "{}"), "work").getMessage()).isEqualTo("account 'work' not found");
    }
}
