package dev.reauth.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.wire.TokenEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A token source handed events the accounts table does not back: nothing changes, and each is counted. */
class ForgedEventTest {

    private final FakeAccounts table = new FakeAccounts();
    private final TokenSource tokens = new TokenSource(table, table, Clock.systemUTC(), Duration.ofMinutes(5));
    private final List<String> flushed = new CopyOnWriteArrayList<>();
    private final List<String> stopped = new CopyOnWriteArrayList<>();

    @BeforeEach
    void twoAccountsServed() {
        table.put("id-a", 3, "a-v3", Instant.now().plus(Duration.ofHours(8)));
        table.names.put("id-a", "work");
        table.put("id-b", 5, "b-v5", Instant.now().plus(Duration.ofHours(8)));
        table.names.put("id-b", "personal");
        tokens.onFlush((id, version) -> flushed.add(id + "@" + version));
        tokens.onReauthRequired((id, version, reason) -> stopped.add(id));
        assertThat(tokens.accessToken("id-a")).isEqualTo("a-v3");
        assertThat(tokens.accessToken("id-b")).isEqualTo("b-v5");
    }

    @Test
    void aRotationNamingAnotherAccountsName_flushesNothing() {
        int readsBefore = table.reads.get();

        tokens.accept(event(TokenEvent.TOKENS_ROTATED, "id-a", "personal", 3, null));

        assertThat(flushed).isEmpty();
        assertThat(tokens.cachedVersion("id-a")).isEqualTo(3);
        assertThat(tokens.accessToken("id-a")).isEqualTo("a-v3");
        assertThat(table.reads.get()).as("still served from the cache").isEqualTo(readsBefore);
        assertThat(tokens.refusedEvents()).isEqualTo(1);
    }

    @Test
    void aVersionTheTableDoesNotHave_doesNotRaiseTheFloor() {
        tokens.accept(event(TokenEvent.TOKENS_ROTATED, "id-a", "work", 1_000_000, null));

        assertThat(tokens.versionFloor("id-a")).isZero();
        assertThat(flushed).isEmpty();
        assertThat(tokens.cachedVersion("id-a")).isEqualTo(3);
        assertThat(tokens.refusedEvents()).isEqualTo(1);
    }

    @Test
    void aPauseOfAHealthyAccount_stopsNothing() {
        tokens.accept(event(TokenEvent.REAUTH_REQUIRED, "id-b", "personal", 5, "invalid_grant"));

        assertThat(stopped).isEmpty();
        assertThat(tokens.accessToken("id-b")).isEqualTo("b-v5");
        assertThat(tokens.refusedEvents()).isEqualTo(1);
    }

    @Test
    void aGenuineRotation_stillFlushes_andItsVersionBecomesTheFloor() {
        table.put("id-a", 4, "a-v4", Instant.now().plus(Duration.ofHours(8)));

        tokens.accept(event(TokenEvent.TOKENS_ROTATED, "id-a", "work", 4, null));

        assertThat(flushed).containsExactly("id-a@4");
        assertThat(tokens.versionFloor("id-a")).isEqualTo(4);
        assertThat(tokens.accessToken("id-a")).isEqualTo("a-v4");
        assertThat(tokens.refusedEvents()).isZero();
    }

    @Test
    void aFloorAboveTheTable_isCappedAtTheTablesVersion_soTheTokenIsCachedAgain() {
        // GIVEN a floor set above anything the table holds (a flush called with a wrong version)
        tokens.flush("id-a", 1_000_000);

        // WHEN the token is asked for: one read, one read again, then the table's version stands
        assertThat(tokens.accessToken("id-a")).isEqualTo("a-v3");
        int readsAfterCap = table.reads.get();

        // THEN the floor is the table's version, and the next caller is served from the cache
        assertThat(tokens.versionFloor("id-a")).isEqualTo(3);
        assertThat(tokens.accessToken("id-a")).isEqualTo("a-v3");
        assertThat(table.reads.get()).isEqualTo(readsAfterCap);
    }

    private static TokenEvent event(String type, String id, String name, long version, String reason) {
        return new TokenEvent(type, id, name, version, Instant.now(), Optional.ofNullable(reason));
    }
}
