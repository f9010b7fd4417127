package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.local.RefreshGrants;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Issue 18, item 4: the stack-wide provider call budget holds across concurrent invocations. Two
 * scheduled runs and a proxy's on-demand refreshes run at once against the emulator and the local
 * provider, over 16 due accounts, with PROVIDER_CALL_BUDGET=2: every provider call took one of its
 * second's calls from the shared counter in the sessions table, no second's counter passed 2, and
 * the provider saw the calls spread over the seconds that implies, each account refreshed once.
 */
class ProviderCallBudgetIT {

    private static final int BUDGET = 2;
    private static final int ACCOUNTS = 16;

    @Test
    void twoConcurrentRunsAndOnDemandRefreshes_shareOneBudget_andNoSecondExceedsIt() throws Exception {
        try (ReauthSystem system = new ReauthSystem(null, Map.of("PROVIDER_CALL_BUDGET", Integer.toString(BUDGET)))) {
            RefreshGrants grants = system.provider.refreshGrants();
            grants.accessTokenLifetime(Duration.ofMinutes(30)); // due within the lead window at once
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < ACCOUNTS; i++) {
                ids.add(system.liveAccount("budget-" + i));
            }
            grants.accessTokenLifetime(Duration.ofHours(8));
            ConcurrentLinkedQueue<Long> answeredAtMillis = new ConcurrentLinkedQueue<>();
            grants.onRefreshAnswered(answer -> answeredAtMillis.add(System.currentTimeMillis()));
            int before = grants.refreshRequests();

            List<JsonNode> runs;
            try (ExecutorService invocations = Executors.newFixedThreadPool(3)) {
                CompletableFuture<JsonNode> first = CompletableFuture.supplyAsync(system::runSchedule, invocations);
                CompletableFuture<JsonNode> second = CompletableFuture.supplyAsync(system::runSchedule, invocations);
                CompletableFuture<Void> onDemand = CompletableFuture.runAsync(
                        () -> ids.subList(ACCOUNTS - 4, ACCOUNTS).forEach(id -> system.refreshNow(id, 1L)),
                        invocations);
                onDemand.join();
                runs = List.of(first.join(), second.join());
            }

            int calls = grants.refreshRequests() - before;
            assertThat(calls)
                    .as("each account refreshed exactly once, %s", runs)
                    .isEqualTo(ACCOUNTS);
            assertThat(grants.reusedRefreshTokens()).isZero();
            assertThat(ids)
                    .allSatisfy(id -> assertThat(
                                    system.account(id).get("token_version").n())
                            .isEqualTo("2"));

            Map<Long, Integer> counters = budgetCounters(system);
            assertThat(counters.values()).allSatisfy(n -> assertThat(n).isBetween(1, BUDGET));
            assertThat(counters.values().stream().mapToInt(Integer::intValue).sum())
                    .as("every provider call took a call from the shared budget")
                    .isEqualTo(calls);
            assertThat(counters.size())
                    .as("16 calls at 2 per second need at least 8 seconds")
                    .isGreaterThanOrEqualTo(ACCOUNTS / BUDGET);

            // the spread itself is the counters' (no second above the budget); wall-clock spans are a benchmark's
            assertThat(answeredAtMillis)
                    .as("the provider answered exactly the calls the budget let through")
                    .hasSize(calls);
            System.out.println("ProviderCallBudgetIT: calls per second at the shared counter " + counters);
        }
    }

    /** The counter items of the budget, by second: {@code provider-calls#<epoch second>} in the sessions table. */
    private static Map<Long, Integer> budgetCounters(ReauthSystem system) {
        Map<Long, Integer> counters = new TreeMap<>();
        for (Map<String, AttributeValue> item : system.aws
                .dynamo()
                .scanPaginator(s -> s.tableName(system.aws.sessionsTable()))
                .items()) {
            String key = item.get("state_hash").s();
            if (key.startsWith("provider-calls#")) {
                counters.put(
                        Long.parseLong(key.substring("provider-calls#".length())),
                        Integer.parseInt(item.get("provider_calls").n()));
            }
        }
        return counters;
    }
}
