package dev.reauth.fleet;

/**
 * Every failure the fleet library reports: its own types, never an AWS SDK exception, so a proxy
 * handles one family. Messages are written here (never another system's text, never a secret); the
 * AWS cause is kept for the proxy's logs.
 */
public abstract sealed class FleetException extends RuntimeException
        permits UnknownAccountException, AccountRequiresReauthException, FleetException.DependencyFailed {

    FleetException(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    /** An AWS dependency (DynamoDB, KMS, SNS, SQS) failed, refused or was unreachable. */
    public static final class DependencyFailed extends FleetException {
        public DependencyFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
