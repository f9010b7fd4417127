package dev.reauth.fleet;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor of the SNS endpoint's HttpServer, with a deadline on reading each request. The JDK's
 * HttpServer reads a request's line, headers and body on its executor's thread, from a blocking
 * SocketChannel, with no time limit of its own (only a JVM-wide system property). A client that
 * sends a request slowly would hold a thread for good, and a few would silence the endpoint. Here
 * the thread is interrupted when the request is not read by the deadline: an interrupt closes an
 * interruptible channel, so the read fails and the server drops that connection.
 */
final class RequestReadDeadline implements Executor, AutoCloseable {

    private static final int READING = 0;
    private static final int HANDLING = 1;
    private static final int CUT_OFF = 2;
    private static final ThreadLocal<AtomicInteger> CURRENT = new ThreadLocal<>();

    private final Duration deadline;
    private final ExecutorService workers;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("sns-endpoint-deadline").factory());

    RequestReadDeadline(int threads, Duration deadline) {
        this.deadline = deadline;
        this.workers = Executors.newFixedThreadPool(
                threads, Thread.ofPlatform().daemon().name("sns-endpoint-", 0).factory());
    }

    @Override
    public void execute(Runnable exchange) {
        workers.execute(() -> {
            AtomicInteger state = new AtomicInteger(READING);
            Thread worker = Thread.currentThread();
            ScheduledFuture<?> cutOff = timer.schedule(
                    () -> {
                        if (state.compareAndSet(READING, CUT_OFF)) {
                            worker.interrupt();
                        }
                    },
                    deadline.toMillis(),
                    TimeUnit.MILLISECONDS);
            CURRENT.set(state);
            try {
                exchange.run();
            } finally {
                CURRENT.remove();
                if (!cutOff.cancel(false)) {
                    awaitQuietly(cutOff);
                }
                // an interrupt meant for this exchange must not reach the next one on this thread
                Thread.interrupted();
            }
        });
    }

    /**
     * Called by the handler once it has read the whole request: from then on the exchange is not cut
     * off. False when the deadline passed first (the connection is being closed; do not answer).
     */
    static boolean requestRead() {
        AtomicInteger state = CURRENT.get();
        return state == null || state.compareAndSet(READING, HANDLING);
    }

    private static void awaitQuietly(ScheduledFuture<?> cutOff) {
        while (true) {
            try {
                cutOff.get();
                return;
            } catch (InterruptedException e) {
                // the interrupt was the cut-off itself: keep waiting for it to finish
            } catch (ExecutionException | CancellationException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        workers.shutdownNow();
    }
}
