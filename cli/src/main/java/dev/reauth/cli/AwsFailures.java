package dev.reauth.cli;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * AWS SDK failures (credentials, region, AWS's own answers) as one line naming the cause and the
 * fix, with the exit code a script can act on. The SDK's own text, which runs to many lines and
 * lists every provider it tried, is never shown.
 */
public final class AwsFailures {

    static final String LOGIN_HINT = "run `aws sso login` or set AWS_PROFILE";
    static final String NO_CREDENTIALS = "no AWS credentials: " + LOGIN_HINT;
    static final String EXPIRED = "AWS credentials expired: " + LOGIN_HINT;
    static final String NO_REGION = "no region: set AWS_REGION (or --region)";

    private static final Set<String> EXPIRED_CODES =
            Set.of("ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired");
    private static final Set<String> REJECTED_CODES = Set.of(
            "InvalidClientTokenId",
            "UnrecognizedClientException",
            "SignatureDoesNotMatch",
            "InvalidSignatureException",
            "IncompleteSignature",
            "MissingAuthenticationToken",
            "AuthFailure");

    private AwsFailures() {}

    /** What went wrong while {@code doing} (e.g. "reading the outputs of stack prod"), as the operator should read it. */
    public static CliFailure explain(SdkException e, String doing) {
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null
                    ? ""
                    : String.valueOf(service.awsErrorDetails().errorCode());
            if (EXPIRED_CODES.contains(code)) {
                return new CliFailure(ExitCode.NOT_AUTHORIZED, EXPIRED);
            }
            if (REJECTED_CODES.contains(code)) {
                return new CliFailure(
                        ExitCode.NOT_AUTHORIZED, "AWS did not accept these credentials (" + code + "): " + LOGIN_HINT);
            }
            if (service.statusCode() == 403 || code.startsWith("AccessDenied")) {
                return new CliFailure(
                        ExitCode.NOT_AUTHORIZED,
                        "AWS refused " + doing + " (" + code + "): your AWS identity lacks the permission");
            }
            return new CliFailure(
                    ExitCode.SERVER_ERROR,
                    "AWS failed " + doing + " (" + (code.isEmpty() ? "HTTP " + service.statusCode() : code) + ")");
        }
        String text = String.valueOf(e.getMessage());
        if (text.startsWith("Unable to load region")) {
            return new CliFailure(ExitCode.NOT_AUTHORIZED, NO_REGION);
        }
        if (text.toLowerCase(Locale.ROOT).contains("expired")) {
            return new CliFailure(ExitCode.NOT_AUTHORIZED, EXPIRED);
        }
        if (text.startsWith("Unable to load credentials") || text.contains("credentials")) {
            return new CliFailure(ExitCode.NOT_AUTHORIZED, NO_CREDENTIALS);
        }
        Throwable cause = e.getCause();
        while (cause != null && !(cause instanceof IOException)) {
            cause = cause.getCause();
        }
        if (cause != null) {
            return new CliFailure(
                    ExitCode.API_UNREACHABLE,
                    "cannot reach AWS while " + doing + " (" + cause.getClass().getSimpleName() + ")");
        }
        return new CliFailure(
                ExitCode.FAILED,
                "the AWS SDK failed while " + doing + " (" + e.getClass().getSimpleName() + ")");
    }
}
