package dev.reauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

class AwsFailuresTest {

    private static AwsServiceException answered(int status, String code) {
        return AwsServiceException.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage("detail")
                        .build())
                .build();
    }

    @Test
    void awsAnswers_aboutCredentials_sayHowToLogIn_withExitCode7() {
        CliFailure expired = AwsFailures.explain(answered(403, "ExpiredToken"), "reading the outputs of stack prod");
        CliFailure rejected =
                AwsFailures.explain(answered(403, "InvalidClientTokenId"), "reading the outputs of stack prod");

        assertThat(expired.getMessage()).isEqualTo("AWS credentials expired: run `aws sso login` or set AWS_PROFILE");
        assertThat(rejected.getMessage())
                .isEqualTo(
                        "AWS did not accept these credentials (InvalidClientTokenId): run `aws sso login` or set AWS_PROFILE");
        assertThat(expired.exitCode()).isEqualTo(ExitCode.NOT_AUTHORIZED);
        assertThat(rejected.exitCode()).isEqualTo(ExitCode.NOT_AUTHORIZED);
    }

    @Test
    void accessDenied_namesWhatWasRefused() {
        CliFailure denied = AwsFailures.explain(answered(403, "AccessDenied"), "reading the outputs of stack prod");

        assertThat(denied.getMessage())
                .isEqualTo(
                        "AWS refused reading the outputs of stack prod (AccessDenied): your AWS identity lacks the permission");
        assertThat(denied.exitCode()).isEqualTo(ExitCode.NOT_AUTHORIZED);
    }

    @Test
    void networkFailure_isUnreachable_withExitCode6() {
        CliFailure failure = AwsFailures.explain(
                SdkClientException.builder()
                        .message("Unable to execute HTTP request")
                        .cause(new ConnectException("refused"))
                        .build(),
                "reading the outputs of stack prod");

        assertThat(failure.exitCode()).isEqualTo(ExitCode.API_UNREACHABLE);
        assertThat(failure.getMessage())
                .isEqualTo("cannot reach AWS while reading the outputs of stack prod (ConnectException)");
    }

    @Test
    void otherAwsFailures_nameTheErrorCode_notTheSdkText() {
        CliFailure failure = AwsFailures.explain(answered(500, "InternalFailure"), "reading the outputs of stack prod");

        assertThat(failure.getMessage())
                .isEqualTo("AWS failed reading the outputs of stack prod (InternalFailure)")
                .doesNotContain("detail");
        assertThat(failure.exitCode()).isEqualTo(ExitCode.SERVER_ERROR);
    }
}
