package dev.reauth.bench;

import dev.reauth.aws.AwsClients;
import dev.reauth.aws.DynamoRefreshLedger;
import dev.reauth.config.ReauthConfig;
import dev.reauth.handler.RefreshHandler;
import dev.reauth.log.StructuredLog;
import dev.reauth.refresh.DueAccount;
import dev.reauth.refresh.RefreshMetrics;
import dev.reauth.refresh.ScheduledRefresh;
import dev.reauth.wire.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Run alone in a fresh JVM on the functions' shaded jar by {@link EmfColdStartBench}: makes the
 * refresh run's metric line, or not, and times it. Marker classes loaded just before and after the
 * call let the class-load log tell which classes the call itself loaded.
 * Modes: {@code none}, {@code line} (the metric line is the first JSON the JVM writes);
 * {@code after-log}, {@code after-log+line} (the handler has read the scheduled event and logged a
 * line first); {@code after-run}, {@code after-run+line} (the function's init, then what a run does
 * before its metrics when nothing is due: read the event, query the refresh index on the emulator the
 * environment names, sort, log). Without {@code +line} nothing is called between the markers.
 */
public final class EmfProbe {

    static final String SCHEDULED_EVENT = "{\"version\":\"0\",\"id\":\"89d1a02d-5ec7-412e-82f5-13505f849b41\","
            + "\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"account\":\"123456789012\","
            + "\"time\":\"2026-11-26T19:35:00Z\",\"region\":\"us-east-1\",\"resources\":[],\"detail\":{}}";

    /** Loaded just before the measured call. */
    static final class Before {}

    /** Loaded just after it. */
    static final class After {}

    private EmfProbe() {}

    public static void main(String[] args) {
        String mode = args[0];
        List<Long> latencies = new ArrayList<>();
        for (long i = 0; i < 1000; i++) {
            latencies.add(40 + i % 200);
        }
        ScheduledRefresh.Summary summary = new ScheduledRefresh.Summary(1000, 1000, 0, 0, 0, 0, 0, latencies);
        Instant at = Instant.now();
        if (mode.startsWith("after-run")) {
            runWithoutMetrics();
        }
        if (mode.startsWith("after-log")) {
            Json.parseObjectOrEmpty(SCHEDULED_EVENT);
            StructuredLog.of(ScheduledRefresh.class)
                    .info(
                            "refresh.run_finished",
                            "due",
                            1000,
                            "refreshed",
                            1000,
                            "failed",
                            0,
                            "dead",
                            0,
                            "leftForNextRun",
                            0,
                            "millis",
                            21000);
        }
        String line = null;
        new Before();
        long started = System.nanoTime();
        if (mode.endsWith("line")) {
            line = String.join("\n", RefreshMetrics.lines(at, summary));
        }
        long nanos = System.nanoTime() - started;
        new After();
        long again = 0;
        if (line != null) {
            long second = System.nanoTime();
            line = String.join("\n", RefreshMetrics.lines(at, summary));
            again = System.nanoTime() - second;
        }
        System.out.println("PROBE nanos=" + nanos + " again=" + again + " chars=" + (line == null ? 0 : line.length()));
    }

    /** The function's init and an idle scheduled run up to its metrics, as RefreshHandler and ScheduledRefresh do them. */
    private static void runWithoutMetrics() {
        new RefreshHandler();
        Json.parseObjectOrEmpty(SCHEDULED_EVENT);
        ReauthConfig config = ReauthConfig.fromEnvironment();
        DynamoRefreshLedger ledger = new DynamoRefreshLedger(
                AwsClients.fromEnvironment(config).dynamo(),
                config.accountsTable(),
                config.refresh().refreshIndex(),
                config.refresh().buckets());
        Instant now = Instant.now();
        List<DueAccount> due = ledger.findDue(now.plus(config.refresh().lead()));
        List<DueAccount> work = due.stream()
                .filter(account -> account.isActionableAt(now))
                .sorted(Comparator.comparing(DueAccount::expiresAt))
                .toList();
        StructuredLog.of(ScheduledRefresh.class)
                .info(
                        "refresh.run_finished",
                        "due",
                        due.size(),
                        "refreshed",
                        0,
                        "failed",
                        0,
                        "dead",
                        0,
                        "leftForNextRun",
                        work.size(),
                        "millis",
                        0);
    }
}
