package dev.reauth.wire;

import java.util.Map;

/**
 * Attribute names of the two tables, and the encryption context of the tokens. The accounts table
 * belongs to the proxy fleet: of its attributes, re-authentication writes only the token ones listed here.
 */
public final class Schema {

    private Schema() {}

    /** Accounts table (fleet-owned; ccflare's columns, epoch-millisecond times). */
    public static final class Accounts {
        public static final String ID = "id";
        public static final String NAME = "name";
        public static final String API_KEY = "api_key";
        public static final String MODE = "account_mode";
        public static final String CREATED_AT = "created_at";
        public static final String PRIORITY = "priority";
        public static final String TOKEN_CIPHERTEXT = "token_ciphertext";
        public static final String EXPIRES_AT = "expires_at";
        public static final String TOKEN_VERSION = "token_version";
        public static final String TOKENS_UPDATED_AT = "tokens_updated_at";
        public static final String REFRESH_TOKEN_ISSUED_AT = "refresh_token_issued_at";
        /**
         * When the refresh token stops working whatever is done (epoch ms), from the provider's
         * {@code refresh_token_expires_in}; absent when the provider did not say.
         */
        public static final String REFRESH_TOKEN_EXPIRES_AT = "refresh_token_expires_at";
        /** The provider suspended the account ({@code account_on_hold}); a login will not help until it lifts it. */
        public static final String ON_HOLD = "on_hold";

        public static final String ON_HOLD_AT = "on_hold_at";
        /** When the last "expiring" alert went out (epoch ms): one a day until a re-authentication removes it. */
        public static final String EXPIRING_ALERT_AT = "expiring_alert_at";

        public static final String REQUIRES_REAUTH = "requires_reauth";
        /** The provider account the tokens belong to: the account is bound to it at its first login. */
        public static final String PROVIDER_ACCOUNT_UUID = "provider_account_uuid";

        public static final String PROVIDER_EMAIL = "provider_email";
        public static final String PROVIDER_ORGANIZATION_UUID = "provider_organization_uuid";
        public static final String PROVIDER_ORGANIZATION_NAME = "provider_organization_name";
        /** Why the account requires re-authentication, and since when (epoch ms). */
        public static final String REAUTH_REASON = "reauth_reason";

        public static final String REAUTH_REQUIRED_AT = "reauth_required_at";
        /**
         * Refresh: the sparse refresh index's partition key (present only on accounts reauth keeps
         * alive), the single-flight lease, and the health an operator sees.
         */
        public static final String REFRESH_BUCKET = "refresh_bucket";

        public static final String REFRESH_LEASE_UNTIL = "refresh_lease_until";
        public static final String REFRESH_LEASE_OWNER = "refresh_lease_owner";
        public static final String LAST_REFRESH_ATTEMPT_AT = "last_refresh_attempt_at";
        public static final String LAST_REFRESH_AT = "last_refresh_at";
        public static final String LAST_REFRESH_RESULT = "last_refresh_result";
        public static final String REFRESH_FAILURES = "refresh_failures";
        public static final String REFRESH_COUNT = "refresh_count";
        public static final String NEXT_REFRESH_AT = "next_refresh_at";
        /** The provider answered 429 asking for no call before this (epoch ms): every claim waits for it. */
        public static final String THROTTLED_UNTIL = "throttled_until";
        /** String set: the alerts sent since the account was last healthy ("failing", "stale", "dead"). */
        public static final String REFRESH_ALERTS = "refresh_alerts";
        /**
         * Epoch ms: a provider call was sent and its answer never arrived (timeout, reset, 5xx, or a
         * refresher that died holding the lease); the provider may have rotated. Cleared by new tokens.
         */
        public static final String ROTATION_UNCERTAIN_AT = "rotation_uncertain_at";
        /**
         * Epoch ms: the newest tokens wait in the rescue queue (deposited then), not yet in the table.
         * Written best-effort on deposit and on each drain that leaves them pending; cleared by new tokens.
         */
        public static final String RESCUE_PENDING_AT = "rescue_pending_at";
        /** Tokens are stored but a person must look (e.g. scope_missing_inference), and since when (epoch ms). */
        public static final String ATTENTION_REASON = "attention_reason";

        public static final String ATTENTION_AT = "attention_at";

        /** List of "kind@epochMillis", oldest first: the last few alerts sent, kept across recoveries for operators. */
        public static final String RECENT_ALERTS = "recent_alerts";
        /**
         * Second refresher: when a proxy's reauth-agent last said it serves the account (its handshake or
         * an adoption; epoch ms), which makes the refresher hold an invalid_grant verdict for a grace window,
         * and when a proxy was last seen refreshing on its own (epoch ms): it is alerted about only when
         * it had not been seen for a quiet period, so a proxy that keeps doing it gets one alert.
         */
        public static final String AGENT_SEEN_AT = "agent_seen_at";

        public static final String SECOND_REFRESHER_SEEN_AT = "second_refresher_seen_at";
        /**
         * Adoption's per-account rate limit: when the current one-minute window opened (epoch ms), and the
         * adoptions counted in it.
         */
        public static final String ADOPTION_WINDOW_AT = "adoption_window_at";

        public static final String ADOPTION_COUNT = "adoption_count";

        /** When an agent last tried to hand a proxy's own tokens over (N, epoch ms), landed or not: a held verdict waits on for it. */
        public static final String ADOPTION_ATTEMPT_AT = "adoption_attempt_at";

        private Accounts() {}
    }

    /** OAuth sessions table, keyed by the SHA-256 of the state. */
    public static final class Sessions {
        public static final String STATE_HASH = "state_hash";
        public static final String INTENT = "intent";
        public static final String ACCOUNT_ID = "account_id";
        public static final String ACCOUNT_NAME = "account_name";
        public static final String MODE = "mode";
        public static final String CODE_VERIFIER = "code_verifier";
        public static final String REDIRECT_URI = "redirect_uri";
        public static final String INITIATOR = "initiator";
        public static final String CREATED_AT = "created_at";
        public static final String EXPIRES_AT = "expires_at";
        /** DynamoDB TTL attribute, epoch seconds; deletion is lazy, so expiry is always checked in code too. */
        public static final String TTL = "ttl";

        public static final String BASE_TOKEN_VERSION = "base_token_version";
        public static final String CLAIM_ID = "claim_id";
        public static final String CLAIM_EXPIRES_AT = "claim_expires_at";
        public static final String CONSUMED_AT = "consumed_at";
        public static final String ALLOW_ACCOUNT_CHANGE = "allow_account_change";
        public static final String ACCOUNT_REQUIRED_REAUTH = "account_required_reauth";
        /** On a name reservation: the state hash of the add session holding the name. */
        public static final String RESERVED_BY = "reserved_by";

        /**
         * The key of the item that reserves a name for one add session at a time. State hashes are
         * base64url, so this key, with its '#', never collides with a session's.
         */
        public static String nameReservationKey(String accountName) {
            return "name-reservation#" + accountName;
        }

        private Sessions() {}
    }

    /** The encryption context every token ciphertext is bound to. */
    public static final String CONTEXT_ACCOUNT_ID = "account_id";

    public static final String CONTEXT_PURPOSE = "purpose";
    public static final String PURPOSE_OAUTH_TOKENS = "reauth:oauth-tokens";

    /** The KMS encryption context of an account's token ciphertext: needed to encrypt and to decrypt it. */
    public static Map<String, String> encryptionContext(String accountId) {
        return Map.of(CONTEXT_ACCOUNT_ID, accountId, CONTEXT_PURPOSE, PURPOSE_OAUTH_TOKENS);
    }
}
