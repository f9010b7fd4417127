package dev.reauth.oauth;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The provider account that logged in, as Anthropic's token response names it: {@code account.uuid},
 * {@code account.email_address}, {@code organization.uuid} and {@code organization.name}. An account
 * is bound to the {@code accountUuid} that first logged in; the rest is for people to read.
 */
public record ProviderIdentity(
        String accountUuid,
        Optional<String> email,
        Optional<String> organizationUuid,
        Optional<String> organizationName) {

    private static final Pattern UUID_LIKE = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final int MAX_TEXT = 320;

    public ProviderIdentity {
        if (accountUuid == null || !UUID_LIKE.matcher(accountUuid).matches()) {
            throw new IllegalArgumentException("provider account id is missing or malformed");
        }
        email = email.filter(ProviderIdentity::isPlainText);
        organizationUuid = organizationUuid.filter(id -> UUID_LIKE.matcher(id).matches());
        organizationName = organizationName.filter(ProviderIdentity::isPlainText);
    }

    /**
     * Reads the identity from a token response's {@code account} and {@code organization} objects;
     * empty when the response names no account (providers other than Anthropic).
     */
    @SuppressWarnings("unchecked")
    public static Optional<ProviderIdentity> fromTokenResponse(Map<String, Object> response) {
        if (!(response.get("account") instanceof Map<?, ?> account)
                || !(account.get("uuid") instanceof String uuid)
                || !UUID_LIKE.matcher(uuid).matches()) {
            return Optional.empty();
        }
        Map<String, Object> organization =
                response.get("organization") instanceof Map<?, ?> org ? (Map<String, Object>) org : Map.of();
        return Optional.of(new ProviderIdentity(
                uuid,
                text(account.get("email_address")),
                text(organization.get("uuid")),
                text(organization.get("name"))));
    }

    /**
     * Reads the identity from the profile endpoint's answer ({@code GET /api/oauth/profile}): the same
     * {@code account} and {@code organization} objects, the email as {@code email} (or {@code email_address}).
     */
    public static Optional<ProviderIdentity> fromProfile(Map<String, Object> profile) {
        Optional<ProviderIdentity> identity = fromTokenResponse(profile);
        if (identity.isEmpty() || identity.get().email().isPresent()) {
            return identity;
        }
        Map<?, ?> account = (Map<?, ?>) profile.get("account");
        ProviderIdentity named = identity.get();
        return Optional.of(new ProviderIdentity(
                named.accountUuid(), text(account.get("email")), named.organizationUuid(), named.organizationName()));
    }

    /** How an operator recognises the account: the email address, else the provider's id. */
    public String label() {
        return email.orElse(accountUuid);
    }

    private static Optional<String> text(Object value) {
        return value instanceof String s ? Optional.of(s) : Optional.empty();
    }

    private static boolean isPlainText(String text) {
        return !text.isBlank() && text.length() <= MAX_TEXT && text.codePoints().noneMatch(Character::isISOControl);
    }
}
