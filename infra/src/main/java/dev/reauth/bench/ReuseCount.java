package dev.reauth.bench;

import dev.reauth.local.RefreshGrants;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Who presented the refresh tokens the provider had already redeemed, and why. The provider counts
 * every presentation of a redeemed token; only reauth and the second refresher present tokens (the
 * proxies only read), and the second refresher knows which of its presentations met
 * {@code invalid_grant}, so the rest are reauth's. Each of reauth's is then put down to the token it
 * presented: one whose answer to reauth's own rotation the provider dropped (the expected way a lost
 * answer shows; it must end {@code rotation_lost}), one the second refresher had spent (before its
 * hand-over landed, or with its answer dropped), or one reauth itself had rotated and received the
 * answer for (a fault of reauth's, target 0).
 */
record ReuseCount(int all, int bySecondRefresher, int afterLostAnswer, int spentBySecondRefresher, int ownRotation) {

    int byReauth() {
        return afterLostAnswer + spentBySecondRefresher + ownRotation;
    }

    static ReuseCount of(RefreshGrants grants, ChaosActors actors) {
        return of(
                grants.reusedTokens(),
                List.copyOf(actors.reusedBySecondRefresher),
                token -> grants.answerLostFor(token) && !actors.answerLostToSecondRefresher.contains(token),
                token -> actors.spentBySecondRefresher.contains(token)
                        || actors.answerLostToSecondRefresher.contains(token));
    }

    /**
     * @param reused every presentation of a redeemed token the provider refused, in order
     * @param bySecondRefresher the second refresher's own among them
     * @param answerLost whether the provider dropped the answer to reauth's rotation of a token
     * @param spentBySecondRefresher whether the second refresher redeemed a token (its answer received or lost)
     */
    static ReuseCount of(
            List<String> reused,
            Collection<String> bySecondRefresher,
            Predicate<String> answerLost,
            Predicate<String> spentBySecondRefresher) {
        Map<String, Integer> theirs = new HashMap<>();
        bySecondRefresher.forEach(token -> theirs.merge(token, 1, Integer::sum));
        int second = 0;
        int lost = 0;
        int spent = 0;
        int own = 0;
        for (String token : reused) {
            if (theirs.getOrDefault(token, 0) > 0) {
                theirs.merge(token, -1, Integer::sum);
                second++;
            } else if (answerLost.test(token)) {
                lost++;
            } else if (spentBySecondRefresher.test(token)) {
                spent++;
            } else {
                own++;
            }
        }
        return new ReuseCount(reused.size(), second, lost, spent, own);
    }
}
