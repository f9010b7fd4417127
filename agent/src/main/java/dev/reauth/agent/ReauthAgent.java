package dev.reauth.agent;

import dev.reauth.fleet.AccountTokensReader;
import dev.reauth.fleet.EventConfirmation;
import dev.reauth.fleet.StoredTokens;
import dev.reauth.fleet.TokenDecryptor;
import dev.reauth.wire.TokenBundle;
import dev.reauth.wire.TokenEvent;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps one proxy's store in step with reauth. On {@code account.tokens.rotated} (or a reload
 * request) it reads and decrypts the account's tokens, writes them into the proxy's store in one
 * transaction, and asks the proxy to reload. On {@code account.reauth.required} it pauses the account
 * (as the proxy pauses accounts) and un-pauses it after the next rotation, if the agent paused it.
 * Accounts map by name. Versions only move forward: a version at or below the one applied is skipped,
 * so duplicate and late messages change nothing. When the proxy's refresh token is not the one the
 * agent last wrote, another refresher is at work: the agent reports it and offers the proxy's tokens
 * to reauth for adoption. Events are hints, the table is the truth: an event is acted on only once the
 * accounts table confirms it ({@link EventConfirmation}): its id and name belong together, its version
 * exists, and a pause is backed by the table's mark. A refused event changes nothing.
 */
public final class ReauthAgent {

    private static final System.Logger LOG = System.getLogger(ReauthAgent.class.getName());

    /** The pause_reason the agent writes; better-ccflare never auto-resumes it (it does so only for none, overage, rate_limit_window). */
    public static final String PAUSE_REASON = "reauth_required";
    /**
     * Pause reasons the agent may clear after a rotation of an account it paused. better-ccflare 3.5.4's
     * usage poller briefly resumes a paused account to refresh its token and pauses it again as
     * "manual", so the agent's own reason may read "manual" by then.
     */
    static final Set<String> RESUMABLE_REASONS = Set.of(PAUSE_REASON, "manual");

    /** What the agent did, for metrics and tests. */
    public interface Listener {
        default void applied(String accountId, String name, long tokenVersion, ProxyReloader.Outcome reload) {}

        default void paused(String accountId, String name) {}

        default void resumed(String accountId, String name) {}

        default void foreignTokens(String accountId, String name, TokenAdopter.Outcome outcome) {}

        /** An event the accounts table did not confirm; it changed nothing. {@code why} holds no secret. */
        default void refused(TokenEvent event, String why) {}

        /** A reload that failed after its write succeeded on a later try. */
        default void reloadRetried(String accountId, String name, long tokenVersion) {}
    }

    private final AccountDirectory directory;
    private final AccountTokensReader reader;
    private final TokenDecryptor decryptor;
    private final ProxyStore store;
    private final ProxyReloader reloader;
    private final TokenAdopter adopter;
    private final AgentState state;
    private final Listener listener;
    private final ReloadRetries reloadRetries;
    private final EventConfirmation confirmation;
    private final Set<String> unknownLogged = ConcurrentHashMap.newKeySet();
    private final Set<Duration> leadWarned = ConcurrentHashMap.newKeySet();

    public ReauthAgent(
            AccountDirectory directory,
            AccountTokensReader reader,
            TokenDecryptor decryptor,
            ProxyStore store,
            ProxyReloader reloader,
            TokenAdopter adopter,
            AgentState state,
            Listener listener) {
        this(
                directory,
                reader,
                decryptor,
                store,
                reloader,
                adopter,
                state,
                listener,
                ReloadRetries.onOwnThread(Duration.ofSeconds(1), Duration.ofMinutes(1)));
    }

    /** @param reloadRetries where a reload that failed after its write is tried again until it succeeds */
    public ReauthAgent(
            AccountDirectory directory,
            AccountTokensReader reader,
            TokenDecryptor decryptor,
            ProxyStore store,
            ProxyReloader reloader,
            TokenAdopter adopter,
            AgentState state,
            Listener listener,
            ReloadRetries reloadRetries) {
        this.reloadRetries = reloadRetries;
        this.confirmation = new EventConfirmation(reader);
        this.directory = directory;
        this.reader = reader;
        this.decryptor = decryptor;
        this.store = store;
        this.reloader = reloader;
        this.adopter = adopter;
        this.state = state;
        this.listener = listener;
    }

    /** Handles one event from the topic; throws (so the message is delivered again) when the store or AWS failed. */
    public synchronized void onEvent(TokenEvent event) {
        String name = event.accountName();
        if (name.isBlank()) {
            LOG.log(
                    Level.WARNING,
                    "event {0} for account {1} has no account name; ignored",
                    EventConfirmation.shown(event.type()),
                    EventConfirmation.shown(event.accountId()));
            return;
        }
        switch (event.type()) {
            case TokenEvent.TOKENS_ROTATED, TokenEvent.RELOAD_REQUESTED -> {
                if (known(name) && confirmed(event)) {
                    apply(event.accountId(), name);
                }
            }
            case TokenEvent.REAUTH_REQUIRED -> {
                if (known(name) && confirmed(event)) {
                    pause(event.accountId(), name, event.tokenVersion());
                }
            }
            default ->
                LOG.log(Level.DEBUG, "event type {0} is not for the agent", EventConfirmation.shown(event.type()));
        }
    }

    /** Whether the accounts table backs the event; a refused one is logged and reported, and changes nothing. */
    private boolean confirmed(TokenEvent event) {
        if (confirmation.confirm(event) instanceof EventConfirmation.Refused refused) {
            LOG.log(
                    Level.WARNING,
                    "REFUSED event {0} for account {1} ({2}): {3}; nothing changed",
                    event.type(),
                    EventConfirmation.shown(event.accountId()),
                    EventConfirmation.shown(event.accountName()),
                    refused.why());
            listener.refused(event, refused.why());
            return false;
        }
        return true;
    }

    /**
     * Catches up after downtime: every account the proxy holds that reauth knows by the same name,
     * and whose token_version is newer than the one applied, is applied now.
     *
     * @return how many accounts were applied
     */
    public synchronized int reconcile() {
        int applied = 0;
        for (String name : store.accountNames()) {
            Optional<AccountDirectory.Listing> listing = directory.byName(name);
            if (listing.isEmpty()) {
                logUnknown(name, "reauth has no account by that name");
                continue;
            }
            try {
                if (apply(listing.get().accountId(), name)) {
                    applied++;
                } else {
                    serve(listing.get().accountId(), name);
                }
            } catch (RuntimeException e) {
                LOG.log(
                        Level.WARNING,
                        "account {0}: catch-up failed ({1}); the next event or start retries",
                        name,
                        e.getClass().getSimpleName());
            }
        }
        return applied;
    }

    /** Compares each account's refresh token in the proxy with the one the agent wrote: another refresher shows here. */
    public synchronized void checkForeignTokens() {
        state.entries().forEach((accountId, entry) -> {
            if (entry.writtenFingerprint().isEmpty()) {
                return;
            }
            try {
                store.read(entry.name())
                        .ifPresent(current -> noticeForeign(accountId, entry.name(), current.credentials()));
            } catch (RuntimeException e) {
                LOG.log(
                        Level.WARNING,
                        "account {0}: could not read the proxy's store ({1})",
                        entry.name(),
                        e.getClass().getSimpleName());
            }
        });
    }

    private boolean apply(String accountId, String name) {
        Optional<StoredTokens> stored = reader.read(accountId);
        if (stored.isEmpty()) {
            LOG.log(Level.WARNING, "account {0} ({1}) has no tokens in reauth yet; nothing to apply", name, accountId);
            return false;
        }
        long version = stored.get().version();
        long applied = state.appliedVersion(accountId);
        if (version <= applied) {
            resumeIfDue(accountId, name, applied);
            return false;
        }
        TokenBundle tokens = decryptor.decrypt(accountId, stored.get().ciphertext());
        ProxyCredentials credentials = new ProxyCredentials(
                tokens.accessToken(),
                tokens.refreshToken(),
                stored.get().expiresAt().toEpochMilli(),
                tokens.apiKey());
        Optional<ProxyStore.StoredAccount> before = store.write(name, credentials);
        if (before.isEmpty()) {
            logUnknown(name, "the proxy holds no account by that name");
            return false;
        }
        noticeForeign(accountId, name, before.get().credentials());
        state.applied(accountId, name, version, credentials.refreshTokenFingerprint());
        serve(accountId, name);
        ProxyReloader.Outcome reload = reloader.reload(before.get());
        reloadRetries.settled(accountId, version);
        if (reload.success()) {
            LOG.log(
                    Level.INFO,
                    "account {0}: token_version {1} written to the proxy; reload: {2}",
                    name,
                    version,
                    reload.detail());
        } else {
            // the tokens are in the store, but the proxy may serve its cached ones until it reloads: owed
            LOG.log(
                    Level.WARNING,
                    "account {0}: token_version {1} written to the proxy, but its reload failed (status {2}, {3});"
                            + " retrying until it succeeds",
                    name,
                    version,
                    reload.status(),
                    reload.detail());
            ProxyStore.StoredAccount account = before.get();
            reloadRetries.owe(
                    accountId,
                    name,
                    version,
                    () -> reloader.reload(account),
                    () -> listener.reloadRetried(accountId, name, version));
        }
        listener.applied(accountId, name, version, reload);
        resumeIfDue(accountId, name, version);
        return true;
    }

    /** Tells reauth this agent serves the account (renewed with each write); warns once about a short lead. */
    private void serve(String accountId, String name) {
        Optional<Duration> lead;
        try {
            lead = adopter.serve(accountId);
        } catch (RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "account {0}: handshake with reauth failed ({1})",
                    name,
                    e.getClass().getSimpleName());
            return;
        }
        lead.filter(l -> l.compareTo(AgentConfig.BETTER_CCFLARE_REFRESH_WINDOW) <= 0)
                .filter(l -> leadWarned.add(l))
                .ifPresent(l -> LOG.log(
                        Level.WARNING,
                        "WARNING: the stack''s RefreshLead ({0}) is not above better-ccflare''s own refresh window ({1}):"
                                + " better-ccflare refreshes first and the agent hands its tokens over each time; set"
                                + " the stack''s RefreshLead above {1} (for example PT45M)",
                        l,
                        AgentConfig.BETTER_CCFLARE_REFRESH_WINDOW));
    }

    private void pause(String accountId, String name, long eventVersion) {
        Optional<StoredTokens> stored = reader.read(accountId);
        if (stored.isPresent() && stored.get().version() > eventVersion) {
            LOG.log(
                    Level.INFO,
                    "account {0}: re-authentication required at token_version {1}, but reauth already has {2}; not pausing",
                    name,
                    eventVersion,
                    stored.get().version());
            return;
        }
        if (!store.canPause()) {
            LOG.log(Level.WARNING, "account {0} needs re-authentication; this proxy store cannot pause it", name);
            return;
        }
        if (store.pause(name, PAUSE_REASON)) {
            state.paused(accountId, name, eventVersion);
            LOG.log(
                    Level.WARNING,
                    "account {0} needs re-authentication: paused in the proxy until its next rotation",
                    name);
            listener.paused(accountId, name);
        } else {
            LOG.log(Level.WARNING, "account {0} needs re-authentication; it was paused already (left as it is)", name);
        }
    }

    private void resumeIfDue(String accountId, String name, long appliedVersion) {
        OptionalLong pausedAt = state.pausedAt(accountId);
        if (pausedAt.isEmpty() || appliedVersion <= pausedAt.getAsLong()) {
            return;
        }
        if (store.resume(name, RESUMABLE_REASONS)) {
            LOG.log(Level.INFO, "account {0}: re-authenticated (token_version {1}); un-paused", name, appliedVersion);
            listener.resumed(accountId, name);
        } else {
            LOG.log(
                    Level.INFO,
                    "account {0}: re-authenticated, but no longer paused by the agent; left as it is",
                    name);
        }
        state.resumed(accountId);
    }

    private void noticeForeign(String accountId, String name, ProxyCredentials current) {
        Optional<AgentState.Entry> entry = state.entry(accountId);
        String fingerprint = current.refreshTokenFingerprint();
        if (entry.isEmpty()
                || entry.get().writtenFingerprint().isEmpty()
                || fingerprint.isEmpty()
                || fingerprint.equals(entry.get().writtenFingerprint())
                || fingerprint.equals(entry.get().reportedFingerprint())) {
            return;
        }
        long base = entry.get().appliedVersion();
        LOG.log(
                Level.WARNING,
                "ALERT second refresher: account {0}''s refresh token in the proxy is not the one the agent wrote"
                        + " at token_version {1}; offering the proxy''s tokens to reauth for adoption",
                name,
                base);
        TokenAdopter.Outcome outcome = adopter.adopt(accountId, base, current);
        switch (outcome) {
            case TokenAdopter.Outcome.Adopted adopted -> {
                LOG.log(
                        Level.WARNING,
                        "account {0}: reauth adopted the proxy''s tokens as token_version {1}",
                        name,
                        adopted.tokenVersion());
                // the proxy holds that version now: its rotation event must not write it back over newer tokens
                // the proxy may have got meanwhile, and the next foreign tokens build on it
                state.applied(accountId, name, adopted.tokenVersion(), fingerprint);
                listener.foreignTokens(accountId, name, outcome);
                return;
            }
            case TokenAdopter.Outcome.Conflict conflict ->
                LOG.log(
                        Level.WARNING,
                        "account {0}: reauth has tokens newer than token_version {1}; they win",
                        name,
                        base);
            case TokenAdopter.Outcome.Failed failed ->
                LOG.log(Level.WARNING, "account {0}: adoption failed ({1})", name, failed.reason());
        }
        state.reported(accountId, fingerprint);
        listener.foreignTokens(accountId, name, outcome);
    }

    private boolean known(String name) {
        if (store.read(name).isPresent()) {
            return true;
        }
        logUnknown(name, "the proxy holds no account by that name");
        return false;
    }

    private void logUnknown(String name, String why) {
        if (unknownLogged.add(name)) {
            LOG.log(
                    Level.WARNING,
                    "account {0} is not mapped ({1}); its events are ignored",
                    EventConfirmation.shown(name),
                    why);
        }
    }
}
