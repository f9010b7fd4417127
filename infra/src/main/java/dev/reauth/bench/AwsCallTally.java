package dev.reauth.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Tallies the AWS calls a client makes, as "Service.Operation" (one per SDK call; HTTP attempts,
 * retries included, apart), and what DynamoDB queries read: which calls start a query and which
 * continue one (a further page), and the items they returned and examined.
 */
final class AwsCallTally implements ExecutionInterceptor {

    /** The calls since the last {@link #drain()}. */
    record Tally(
            Map<String, Long> calls,
            long attempts,
            long queries,
            long queryPages,
            long itemsReturned,
            long itemsScanned) {

        long total() {
            return calls.values().stream().mapToLong(Long::longValue).sum();
        }

        long of(String call) {
            return calls.getOrDefault(call, 0L);
        }
    }

    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final LongAdder attempts = new LongAdder();
    private final LongAdder queries = new LongAdder();
    private final LongAdder queryPages = new LongAdder();
    private final LongAdder itemsReturned = new LongAdder();
    private final LongAdder itemsScanned = new LongAdder();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        calls.computeIfAbsent(
                        attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                        k -> new LongAdder())
                .increment();
        if (context.request() instanceof QueryRequest query) {
            queryPages.increment();
            if (!query.hasExclusiveStartKey() || query.exclusiveStartKey().isEmpty()) {
                queries.increment();
            }
        }
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        attempts.increment();
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (context.response() instanceof QueryResponse page) {
            itemsReturned.add(page.count() == null ? page.items().size() : page.count());
            itemsScanned.add(page.scannedCount() == null ? page.items().size() : page.scannedCount());
        }
    }

    /** What was counted since the last drain; the counts start again from zero. */
    synchronized Tally drain() {
        Map<String, Long> snapshot = new TreeMap<>();
        calls.forEach((call, count) -> {
            long n = count.sumThenReset();
            if (n > 0) {
                snapshot.put(call, n);
            }
        });
        return new Tally(
                snapshot,
                attempts.sumThenReset(),
                queries.sumThenReset(),
                queryPages.sumThenReset(),
                itemsReturned.sumThenReset(),
                itemsScanned.sumThenReset());
    }
}
