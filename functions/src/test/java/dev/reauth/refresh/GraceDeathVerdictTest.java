package dev.reauth.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GraceDeathVerdictTest {

    static final Instant T0 = Instant.parse("2026-12-02T12:00:00Z");
    static final LeasedAccount LEASED =
            new LeasedAccount("acct-1", "work", 7, new byte[] {1}, "lease-1", 0, Set.of(), Optional.empty());

    /** A clock that moves only when the verdict pauses. */
    Instant now = T0;

    final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    final List<String> calls = new ArrayList<>();
    long currentVersion = 7;
    /** After this many pauses the proxy's agent adopts (the version moves); -1: never. */
    int adoptAfterPauses = -1;

    int pauses = 0;

    final RefreshLedger ledger = (RefreshLedger) Proxy.newProxyInstance(
            RefreshLedger.class.getClassLoader(), new Class<?>[] {RefreshLedger.class}, (proxy, method, args) -> {
                return switch (method.getName()) {
                    case "markDead" -> {
                        calls.add("markDead:" + args[1]);
                        yield true;
                    }
                    case "current" ->
                        new RefreshClaim.Refused(RefreshClaim.Reason.IDLE, currentVersion, Optional.empty());
                    default -> throw new UnsupportedOperationException(method.getName());
                };
            });

    final Map<String, Instant> agentSeen = new HashMap<>();
    boolean leaseHeld = true;

    final SecondRefresherLedger agents = new SecondRefresherLedger() {
        @Override
        public boolean agentSeen(String accountId, Instant at) {
            agentSeen.put(accountId, at);
            return true;
        }

        @Override
        public Optional<Instant> agentSeenAt(String accountId) {
            return Optional.ofNullable(agentSeen.get(accountId));
        }

        @Override
        public boolean releaseLease(LeasedAccount account) {
            calls.add("releaseLease");
            return leaseHeld;
        }

        @Override
        public boolean markDeadAfterHold(LeasedAccount account, String reason, Instant at) {
            calls.add("markDeadAfterHold:" + reason + "@"
                    + Duration.between(T0, at).toMillis());
            return currentVersion == account.tokenVersion();
        }

        @Override
        public boolean secondRefresherSeen(String accountId, Instant at, Duration quiet) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Instant> adoptionAttemptedAt(String accountId) {
            return Optional.ofNullable(adoptionAttempt);
        }
    };

    /** When the agent last tried a hand-over that has not landed (its AWS steps failed); null: never. */
    Instant adoptionAttempt;

    final GraceDeathVerdict verdict =
            new GraceDeathVerdict(ledger, agents, Duration.ofSeconds(5), Duration.ofHours(24), clock, duration -> {
                now = now.plus(duration);
                pauses++;
                if (pauses == adoptAfterPauses) {
                    currentVersion = 8;
                }
            });

    @Test
    void anAccountNoAgentServes_isMarkedDeadAtOnce() {
        assertThat(verdict.markDead(LEASED, "invalid_grant", T0)).isTrue();

        assertThat(calls).containsExactly("markDead:invalid_grant");
        assertThat(pauses).isZero();
    }

    @Test
    void anAgentLastSeenLongerAgoThanItsWindow_noLongerCounts() {
        agentSeen.put("acct-1", T0.minus(Duration.ofHours(25)));

        assertThat(verdict.markDead(LEASED, "invalid_grant", T0)).isTrue();

        assertThat(calls).containsExactly("markDead:invalid_grant");
    }

    @Test
    void anAdoptionInsideTheWindow_settlesIt_withNoDeadMark() {
        // GIVEN an agent serves the account, and hands the proxy's tokens over about half a second in
        agentSeen.put("acct-1", T0.minusSeconds(60));
        adoptAfterPauses = 2;

        // WHEN the refresher met invalid_grant
        boolean dead = verdict.markDead(LEASED, "invalid_grant", T0);

        // THEN the lease was given up (so the adoption could land) and nothing was marked
        assertThat(dead).isFalse();
        assertThat(calls).containsExactly("releaseLease");
        assertThat(pauses).isEqualTo(2);
    }

    @Test
    void noAdoptionWithinTheWindow_marksItDead_afterTheWholeWindow_onTheRefusedVersionOnly() {
        agentSeen.put("acct-1", T0.minusSeconds(60));

        boolean dead = verdict.markDead(LEASED, "invalid_grant", T0);

        assertThat(dead).isTrue();
        assertThat(calls).containsExactly("releaseLease", "markDeadAfterHold:invalid_grant@5000");
        assertThat(now).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void aRotationLostVerdict_isHeldToo_butAScopeRefusalIsNot() {
        agentSeen.put("acct-1", T0);
        adoptAfterPauses = 1;
        assertThat(verdict.markDead(LEASED, "rotation_lost", T0)).isFalse();

        calls.clear();
        assertThat(verdict.markDead(LEASED, "scope_missing_inference", T0)).isTrue();
        assertThat(calls).containsExactly("markDead:scope_missing_inference");
    }

    @Test
    void whenTheLeaseWasLostAlready_theVerdictIsNotThisRefreshersToGive() {
        agentSeen.put("acct-1", T0);
        leaseHeld = false;

        assertThat(verdict.markDead(LEASED, "invalid_grant", T0)).isFalse();

        assertThat(calls).containsExactly("releaseLease");
        assertThat(pauses).isZero();
    }

    @Test
    void aZeroGrace_marksAtOnce_evenWithAnAgent() {
        agentSeen.put("acct-1", T0);
        GraceDeathVerdict none =
                new GraceDeathVerdict(ledger, agents, Duration.ZERO, Duration.ofHours(24), clock, duration -> pauses++);

        assertThat(none.markDead(LEASED, "invalid_grant", T0)).isTrue();

        assertThat(calls).containsExactly("markDead:invalid_grant");
    }

    @Test
    void aHandOverTriedDuringTheHold_extendsIt_andLandingInTheExtension_leavesNoDeadMark() {
        // GIVEN an agent serves the account and tried a hand-over 2 s into the hold that failed on KMS
        agentSeen.put("acct-1", T0.minusSeconds(60));
        adoptionAttempt = T0.plusSeconds(2);
        // its retry lands 7 s in: after the first 5 s window, inside the extension
        adoptAfterPauses = 28;

        boolean dead = verdict.markDead(LEASED, "invalid_grant", T0);

        assertThat(dead).isFalse();
        assertThat(calls).containsExactly("releaseLease");
        assertThat(now).isEqualTo(T0.plusSeconds(7));
    }

    @Test
    void aHandOverThatNeverLands_extendsTheHoldAtMostTwice_thenItIsDead() {
        agentSeen.put("acct-1", T0.minusSeconds(60));
        adoptionAttempt = T0.plusSeconds(1);

        boolean dead = verdict.markDead(LEASED, "invalid_grant", T0);

        assertThat(dead).isTrue();
        // (1 + MAX_EXTENSIONS) x 5 s
        assertThat(calls).containsExactly("releaseLease", "markDeadAfterHold:invalid_grant@15000");
    }

    @Test
    void aHandOverTriedLongBeforeTheHold_doesNotExtendIt() {
        agentSeen.put("acct-1", T0.minusSeconds(60));
        adoptionAttempt = T0.minusSeconds(30);

        assertThat(verdict.markDead(LEASED, "invalid_grant", T0)).isTrue();

        assertThat(calls).containsExactly("releaseLease", "markDeadAfterHold:invalid_grant@5000");
    }
}
