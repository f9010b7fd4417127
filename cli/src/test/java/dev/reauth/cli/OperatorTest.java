package dev.reauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class OperatorTest {

    private static ApiClient.Answer answer(int status, String body) throws Exception {
        return new ApiClient.Answer(status, new ObjectMapper().readTree(body));
    }

    @Test
    void apiAnswers_mapToDistinctExitCodes() throws Exception {
        assertThat(Operator.failure(answer(404, "{\"error\":\"account_not_found\"}"), "x").exitCode()).isEqualTo(ExitCode.UNKNOWN_ACCOUNT);
        assertThat(Operator.failure(answer(410, "{\"error\":\"session_expired\"}"), "x").exitCode()).isEqualTo(ExitCode.SESSION_EXPIRED);
        assertThat(Operator.failure(answer(403, "{\"message\":\"Forbidden\"}"), "x").exitCode()).isEqualTo(ExitCode.NOT_AUTHORIZED);
        assertThat(Operator.failure(answer(502, "{\"error\":\"provider_error\"}"), "x").exitCode()).isEqualTo(ExitCode.SERVER_ERROR);
        assertThat(Operator.failure(answer(503, "{}"), "x").exitCode()).isEqualTo(ExitCode.SERVER_ERROR);
    }

    @Test
    void failureMessages_namePlainCauses() throws Exception {
        assertThat(Operator.failure(answer(404, "{}"), "work").getMessage()).isEqualTo("Account 'work' not found");
        assertThat(Operator.failure(answer(403, "{}"), "work").getMessage()).contains("check your AWS credentials");
    }
}
