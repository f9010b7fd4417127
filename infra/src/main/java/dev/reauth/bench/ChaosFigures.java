package dev.reauth.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reauth.local.AwsFaultProxy;
import dev.reauth.local.LocalStack;
import dev.reauth.local.RefreshGrants;
import dev.reauth.wire.Schema.Accounts;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The chaos run's figures, from the table, the provider's books, the alerts queue, the rescue queue
 * and the fault proxy's counts: each account lost is put down to reauth's own handling, to a second
 * refresher whose tokens were not adopted, or to an answer the provider lost.
 */
final class ChaosFigures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChaosFigures() {}

    static void print(
            PrintStream out,
            LocalStack aws,
            String alertsQueue,
            String rescueQueue,
            AwsFaultProxy proxy,
            RefreshGrants grants,
            ChaosActors actors,
            List<String> ids,
            int runs,
            int failedRuns)
            throws Exception {
        Map<String, Integer> deadByReason = new TreeMap<>();
        Set<String> lostToLostAnswers = new HashSet<>();
        Set<String> lostToReauth = new HashSet<>();
        Set<String> lostToSecondRefresher = new HashSet<>();
        Set<String> deadAtEnd = new HashSet<>();
        int silentlyLost = 0;
        for (String id : ids) {
            Map<String, AttributeValue> item = actors.item(id);
            String held = actors.tokens(id, item).refreshToken();
            boolean dead = item.get(Accounts.REQUIRES_REAUTH).bool();
            boolean live = grants.isLiveRefreshToken(held);
            if (dead) {
                deadAtEnd.add(id);
                String reason = item.containsKey(Accounts.REAUTH_REASON)
                        ? item.get(Accounts.REAUTH_REASON).s()
                        : "?";
                deadByReason.merge(reason, 1, Integer::sum);
            }
            if (dead || !live) {
                if (grants.answerLostFor(held)) {
                    lostToLostAnswers.add(id);
                } else if (actors.spentBySecondRefresher.contains(held)) {
                    // the proxy spent it and its tokens were not adopted: reauth holds the spent one
                    lostToSecondRefresher.add(id);
                } else {
                    lostToReauth.add(id);
                    if (!dead) {
                        silentlyLost++;
                    }
                }
            }
        }
        List<JsonNode> alerts = drainAlerts(aws, alertsQueue);
        long deadAlerts = alerts.stream()
                .filter(a -> a.path("kind").asText().equals("dead"))
                .count();
        long falseDeadAlerts = alerts.stream()
                .filter(a -> a.path("kind").asText().equals("dead"))
                // an alert for an account that recovered, or that no lost answer and no unadopted proxy refresh killed
                .filter(a -> !deadAtEnd.contains(a.path("accountId").asText())
                        || (!lostToLostAnswers.contains(a.path("accountId").asText())
                                && !lostToSecondRefresher.contains(
                                        a.path("accountId").asText())))
                .count();
        long lostAlerted = lostToLostAnswers.stream()
                .filter(id -> alerts.stream()
                        .anyMatch(a -> a.path("kind").asText().equals("dead")
                                && a.path("accountId").asText().equals(id)
                                && a.path("what").asText().toLowerCase().contains("rotat")))
                .count();
        Map<String, Long> alertKinds = new TreeMap<>();
        alerts.forEach(a -> alertKinds.merge(a.path("kind").asText(), 1L, Long::sum));
        int reused = grants.reusedRefreshTokens();
        int rescued = proxy.passed("AmazonSQS.SendMessage");
        int landed = proxy.passed("AmazonSQS.DeleteMessage");
        String waiting = aws.sqs()
                .getQueueAttributes(
                        a -> a.queueUrl(rescueQueue).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributes()
                .getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "?");

        out.printf(
                "schedule runs: %d completed, %d failed outright; AWS calls failed by the fault proxy: %d%n",
                runs, failedRuns, proxy.failed());
        out.printf(
                "provider: %d refresh requests, %d answers lost after rotating%n",
                grants.refreshRequests(), grants.rotatedAnswersLost());
        out.printf(
                "second refresher: %d own refreshes, %d refused by the provider, %d adopted, %d adoptions refused"
                        + " (%d hand-over requests, the agent's retries included)%n",
                actors.secondRefreshes.get(),
                actors.secondRefresherRefused.get(),
                actors.adoptions.get(),
                actors.adoptionsRefused.get(),
                actors.handOverAttempts.get());
        out.printf("adoptions refused, by answer: %s%n", new TreeMap<>(actors.adoptionRefusals));
        out.printf(
                "%naccounts lost to reauth's own handling: %d (target 0; %d of them not even marked dead)%n",
                lostToReauth.size(), silentlyLost);
        out.printf(
                "accounts lost to a second refresher whose tokens were not adopted: %d (target 0)%n",
                lostToSecondRefresher.size());
        long lostBySecond = lostToLostAnswers.stream()
                .filter(id -> actors.answerLostToSecondRefresher.contains(
                        actors.tokens(id, actors.item(id)).refreshToken()))
                .count();
        out.printf(
                "accounts lost to lost answers: %d (%d alerted as a lost rotation); of them answers the second"
                        + " refresher lost: %d (reauth never sent that request: they end invalid_grant)%n",
                lostToLostAnswers.size(), lostAlerted, lostBySecond);
        out.printf("dead accounts by reason: %s%n", deadByReason);
        out.printf(
                "dead alerts: %d, false dead alerts: %d (target 0); all alerts by kind: %s%n",
                deadAlerts, falseDeadAlerts, alertKinds);
        out.printf(
                "reads: %d, expired reads: %d (%.2f %%), reads of dead accounts: %d%n",
                actors.reads.get(),
                actors.expiredReads.get(),
                actors.reads.get() == 0 ? 0.0 : 100.0 * actors.expiredReads.get() / actors.reads.get(),
                actors.deadReads.get());
        ReuseCount reuse = ReuseCount.of(grants, actors);
        out.printf(
                "reused refresh tokens: %d, of them by the second refresher: %d, by reauth: %d%n",
                reuse.all(), reuse.bySecondRefresher(), reuse.byReauth());
        out.printf(
                "  reauth's, by the token it presented: after its answer was lost (expected: how the loss shows,"
                        + " ends rotation_lost): %d; spent by the second refresher before its hand-over landed: %d;"
                        + " rotated by reauth with the answer received: %d (target 0)%n",
                reuse.afterLostAnswer(), reuse.spentBySecondRefresher(), reuse.ownRotation());
        out.printf(
                "rescued tokens: %d sent to the rescue queue, %d landed (deleted after the commit), %s still waiting%n",
                rescued, landed, waiting);
    }

    private static List<JsonNode> drainAlerts(LocalStack aws, String queue) throws Exception {
        List<JsonNode> alerts = new ArrayList<>();
        while (true) {
            List<Message> batch = aws.sqs()
                    .receiveMessage(
                            r -> r.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages();
            if (batch.isEmpty()) {
                return alerts;
            }
            for (Message m : batch) {
                alerts.add(JSON.readTree(JSON.readTree(m.body()).path("Message").asText()));
                aws.sqs().deleteMessage(d -> d.queueUrl(queue).receiptHandle(m.receiptHandle()));
            }
        }
    }
}
