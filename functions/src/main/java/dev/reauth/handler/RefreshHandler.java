package dev.reauth.handler;

import com.amazonaws.services.lambda.runtime.Context;
import dev.reauth.config.RefreshSafety;
import dev.reauth.http.ApiHandler;
import dev.reauth.http.ReauthApi;
import dev.reauth.http.Route;
import dev.reauth.refresh.ExpiringAlerts;
import dev.reauth.refresh.ScheduledRefresh;
import dev.reauth.wire.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * The refresh function, reauth's way in for token material: the EventBridge schedule (refresh every
 * account due within the lead window) and POST /accounts/{id}/refresh (a proxy got a 401), on one
 * single-flight mechanism; POST /accounts/{id}/tokens (tokens a second refresher got, adopted) and
 * POST /accounts/import (an account a proxy already holds).
 */
public final class RefreshHandler extends ApiHandler {

    private static final Set<Route> ROUTES =
            Set.of(Route.REFRESH, Route.ADOPT_TOKENS, Route.AGENT_HANDSHAKE, Route.IMPORT_ACCOUNT);

    private final ScheduledRefresh schedule;
    private final ExpiringAlerts expiring;
    private final Clock clock;

    /** Used by the Lambda runtime: builds the graph from the environment, once per instance. */
    public RefreshHandler() {
        this(Wiring.fromEnvironment());
    }

    private RefreshHandler(Wiring.Graph graph) {
        this(graph.api(), graph.schedule(), graph.expiring(), Clock.systemUTC());
    }

    /** Serves the HTTP route only (the local API runs the schedule itself). */
    public RefreshHandler(ReauthApi api) {
        this(api, null, Clock.systemUTC());
    }

    public RefreshHandler(ReauthApi api, ScheduledRefresh schedule, Clock clock) {
        this(api, schedule, null, clock);
    }

    /** @param expiring warns about refresh tokens nearing their deadline after each scheduled run (null: not here) */
    public RefreshHandler(ReauthApi api, ScheduledRefresh schedule, ExpiringAlerts expiring, Clock clock) {
        super(api, ROUTES);
        this.schedule = schedule;
        this.expiring = expiring;
        this.clock = clock;
    }

    @Override
    protected String handle(String eventJson, Context context) {
        if (schedule == null || !isScheduledEvent(eventJson)) {
            return handle(eventJson);
        }
        // outside Lambda (tests, the local run) a run gets the configured function timeout
        Duration remaining =
                context == null ? schedule.functionTimeout() : Duration.ofMillis(context.getRemainingTimeInMillis());
        Instant deadline = clock.instant().plus(remaining).minus(RefreshSafety.RUN_MARGIN);
        ScheduledRefresh.Summary summary = schedule.run(deadline);
        // after the refreshes, which come first; it only reads what is expiring and never throws
        Json.ObjectWriter answer = Json.object()
                .put("due", summary.due())
                .put("refreshed", summary.refreshed())
                .put("current", summary.current())
                .put("failed", summary.failed())
                .put("dead", summary.dead())
                .put("throttled", summary.throttled())
                .put("leftForNextRun", summary.leftForNextRun())
                .put("rescueLanded", summary.rescueLanded())
                .put("rescuePending", summary.rescuePending());
        if (expiring != null) {
            answer.put("expiringWarned", expiring.run());
        }
        return answer.toJson();
    }

    /** An EventBridge (scheduled) event, as opposed to an HTTP API request. */
    static boolean isScheduledEvent(String eventJson) {
        Map<String, Object> event = Json.parseObjectOrEmpty(eventJson).orElse(Map.of());
        return "aws.events".equals(event.get("source")) || "Scheduled Event".equals(event.get("detail-type"));
    }
}
