package dev.reauth.cli;

import java.util.Locale;

/** The API's failed answers as one plain line with the exit code a script can act on. */
public final class ApiFailures {

    private ApiFailures() {}

    /** The failure an answer means; {@code name} is the account the command was about, or null. */
    public static CliFailure of(ApiClient.Answer answer, String name) {
        String detail = answer.description().isBlank() ? "HTTP " + answer.status() : answer.description();
        return switch (answer.status()) {
            case 404 ->
                new CliFailure(ExitCode.UNKNOWN_ACCOUNT, name == null ? detail : "account '" + name + "' not found");
            case 410 ->
                new CliFailure(
                        ExitCode.SESSION_EXPIRED,
                        "the login took too long and its session expired; run the command again");
            case 401, 403 -> notAuthorized(answer.status(), detail);
            case 409 -> new CliFailure(ExitCode.FAILED, detail);
            case 400 -> new CliFailure(ExitCode.CODE_NOT_ACCEPTED, detail);
            default ->
                answer.status() >= 500
                        ? new CliFailure(
                                ExitCode.SERVER_ERROR, "the API failed (HTTP " + answer.status() + "): " + detail)
                        : new CliFailure(ExitCode.FAILED, detail);
        };
    }

    /** API Gateway's IAM answers: {"message": "..."} says whether the credentials or the permission are at fault. */
    private static CliFailure notAuthorized(int status, String detail) {
        String text = detail.toLowerCase(Locale.ROOT);
        if (text.contains("expired")) {
            return new CliFailure(ExitCode.NOT_AUTHORIZED, AwsFailures.EXPIRED);
        }
        if (text.contains("security token") || text.contains("signature") || text.contains("access key")) {
            return new CliFailure(
                    ExitCode.NOT_AUTHORIZED, "the API did not accept these AWS credentials: " + AwsFailures.LOGIN_HINT);
        }
        return new CliFailure(
                ExitCode.NOT_AUTHORIZED,
                "not authorized by the API (HTTP " + status
                        + "): your AWS identity needs execute-api:Invoke on it; check AWS_PROFILE");
    }
}
