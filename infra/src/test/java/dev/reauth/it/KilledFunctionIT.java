package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.local.AwsFaultProxy;
import dev.reauth.local.AwsFaultProxy.Calls;
import dev.reauth.local.AwsFaultProxy.Failure;
import dev.reauth.local.LambdaRuntimeEmulator;
import dev.reauth.local.ProjectFiles;
import dev.reauth.local.TemplateFunction;
import dev.reauth.wire.Schema.Accounts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The RefreshFunction, run from the packaged jar under the Runtime Interface Emulator, is killed
 * (SIGKILL, as Lambda ends a function at its timeout) right after the provider answered a refresh,
 * while it still holds the only copy of the rotated tokens (KMS refuses its seal at that moment, so
 * nothing can have been written). The answer is truly lost: within one schedule period the next run
 * declares the account dead with reason {@code rotation_lost}, and the alert says so.
 */
class KilledFunctionIT extends FaultInjectionIT {

    @Test
    void functionKilledRightAfterTheProviderAnswered_isDeadWithinOneSchedulePeriod_asRotationLost() {
        LambdaRuntimeEmulator.Function refresh = TemplateFunction.of("RefreshFunction", system.environment, List.of());
        try (LambdaRuntimeEmulator function = LambdaRuntimeEmulator.start(new LambdaRuntimeEmulator.Function(
                refresh.handler(),
                refresh.jar(),
                refresh.memoryMb(),
                (int) FUNCTION_TIMEOUT.toSeconds(),
                refresh.environment(),
                refresh.extraJvmOptions()))) {
            // a first run over an empty table: the cold start is behind the function when the account is due
            function.invoke(ProjectFiles.eventJson("refresh-schedule.json").toString());
            String id = dueAccount("killed");
            Map<String, AttributeValue> before = system.account(id);
            AwsFaultProxy.Rule sealRefused = proxy.fail(Calls.named("TrentService.Encrypt"), Failure.SERVER_ERROR);
            AtomicBoolean killed = new AtomicBoolean();
            provider.onRefreshAnswered(answered -> {
                if (answered.rotated() && killed.compareAndSet(false, true)) {
                    function.kill();
                }
            });

            CompletableFuture<String> invocation = CompletableFuture.supplyAsync(() -> function.invoke(
                    ProjectFiles.eventJson("refresh-schedule.json").toString()));
            await().atMost(Duration.ofSeconds(60)).untilTrue(killed);
            // the kill ran on the provider's thread; the invocation's connection then breaks
            assertThat(invocation).as("the invocation died with the function").failsWithin(Duration.ofSeconds(30));
            sealRefused.clear();
            Map<String, AttributeValue> orphaned = system.account(id);
            assertThat(orphaned.get(Accounts.TOKEN_CIPHERTEXT)).isEqualTo(before.get(Accounts.TOKEN_CIPHERTEXT));
            assertThat(orphaned.get(Accounts.REQUIRES_REAUTH).bool()).isFalse();

            system.clock.advance(SCHEDULE_PERIOD);
            JsonNode next = system.runSchedule();

            assertThat(next.path("dead").asInt()).as(next.toString()).isEqualTo(1);
            assertDeadAsRotationLost(id);
        }
    }
}
