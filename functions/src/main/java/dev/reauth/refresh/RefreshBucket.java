package dev.reauth.refresh;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Which partition of the sparse refresh index an account sits in. Spreading accounts over a few
 * buckets keeps any one index partition small; a run queries every bucket.
 */
public final class RefreshBucket {

    private RefreshBucket() {}

    /** The bucket of an account: stable for its id ({@link String#hashCode()} is specified). */
    public static String of(String accountId, int buckets) {
        return "b" + Math.floorMod(accountId.hashCode(), buckets);
    }

    /** Every bucket name, for a run to query. */
    public static List<String> all(int buckets) {
        return IntStream.range(0, buckets).mapToObj(i -> "b" + i).toList();
    }
}
