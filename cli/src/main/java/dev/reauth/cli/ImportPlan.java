package dev.reauth.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which of better-ccflare's accounts reauth can take, decided before anything is sent. reauth keeps
 * Claude OAuth accounts alive, so it takes a row with Anthropic's OAuth tokens: an access token, the
 * refresh token that renews it, and its expiry. Modes as better-ccflare 3.5.4 tells them apart:
 * provider {@code anthropic} is a {@code claude-oauth} account (reauth's {@code max}); provider
 * {@code claude-console-api}, or any row holding an API key, a {@code console} account.
 */
final class ImportPlan {

    /** better-ccflare's providers for Claude accounts (older databases have no provider: Anthropic's). */
    static final Set<String> CLAUDE_PROVIDERS = Set.of("anthropic", "claude-console-api");

    /** One row and what becomes of it. */
    sealed interface Entry permits Take, CannotTake {
        BetterCcflareDatabase.Row row();

        /** reauth's mode for the row, or empty for a row that is no Claude account. */
        Optional<String> mode();
    }

    /** A row reauth can import as an account of {@code mode}. */
    record Take(BetterCcflareDatabase.Row row, String modeName) implements Entry {
        @Override
        public Optional<String> mode() {
            return Optional.of(modeName);
        }
    }

    /** A row reauth cannot take, and why (said to the operator; never a token). */
    record CannotTake(BetterCcflareDatabase.Row row, Optional<String> mode, String why) implements Entry {}

    private ImportPlan() {}

    /** One entry per row, in the rows' order. */
    static List<Entry> of(List<BetterCcflareDatabase.Row> rows) {
        Map<String, Integer> holders = new HashMap<>();
        // the agent maps Claude accounts by name: only they can clash
        rows.stream().filter(ImportPlan::isClaude).forEach(row -> holders.merge(row.name(), 1, Integer::sum));
        List<Entry> plan = new ArrayList<>();
        for (BetterCcflareDatabase.Row row : rows) {
            plan.add(entry(row, holders.getOrDefault(row.name(), 0)));
        }
        return plan;
    }

    private static Entry entry(BetterCcflareDatabase.Row row, int holdersOfName) {
        String provider = blank(row.provider()) ? "anthropic" : row.provider();
        if (!CLAUDE_PROVIDERS.contains(provider)) {
            return new CannotTake(
                    row,
                    Optional.empty(),
                    "provider '" + provider
                            + "' is not a Claude OAuth account (reauth keeps Anthropic OAuth tokens alive)");
        }
        String mode = provider.equals("claude-console-api") || !blank(row.apiKey()) ? "console" : "max";
        if (blank(row.name())) {
            return new CannotTake(row, Optional.of(mode), "it has no name");
        }
        if (holdersOfName > 1) {
            return new CannotTake(
                    row,
                    Optional.of(mode),
                    "the name is held by " + holdersOfName
                            + " better-ccflare accounts; rename all but one in better-ccflare, then import again");
        }
        boolean noAccess = blank(row.accessToken());
        boolean noRefresh = blank(row.refreshToken());
        if (noAccess && noRefresh) {
            return new CannotTake(
                    row,
                    Optional.of(mode),
                    mode.equals("console") && !blank(row.apiKey())
                            ? "an API key only, no OAuth tokens to keep alive; to manage it: reauth --add-account "
                                    + AccountHealth.shellWord(row.name()) + " --mode console"
                            : "no OAuth tokens; to manage it: reauth --add-account "
                                    + AccountHealth.shellWord(row.name()) + " --mode " + mode);
        }
        if (noRefresh) {
            return new CannotTake(
                    row,
                    Optional.of(mode),
                    "no refresh token, so its access token cannot be renewed; to manage it:" + " reauth --add-account "
                            + AccountHealth.shellWord(row.name()) + " --mode " + mode);
        }
        if (noAccess) {
            return new CannotTake(row, Optional.of(mode), "a refresh token without an access token");
        }
        if (row.expiresAt() == null || row.expiresAt() <= 0) {
            return new CannotTake(row, Optional.of(mode), "no expires_at for its access token");
        }
        return new Take(row, mode);
    }

    private static boolean isClaude(BetterCcflareDatabase.Row row) {
        return blank(row.provider()) || CLAUDE_PROVIDERS.contains(row.provider());
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
