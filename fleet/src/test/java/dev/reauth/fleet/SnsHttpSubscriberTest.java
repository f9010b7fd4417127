package dev.reauth.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sns.model.SubscribeRequest;
import software.amazon.awssdk.services.sns.model.SubscribeResponse;
import software.amazon.awssdk.services.sns.model.UnsubscribeRequest;
import software.amazon.awssdk.services.sns.model.UnsubscribeResponse;

/** The embedded HTTP endpoint: slow or huge requests cannot hold it, and SNS failures on start and close are the library's. */
class SnsHttpSubscriberTest {

    private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:reauth-token-events";
    private static final String SUBSCRIPTION = TOPIC + ":0f6a1c2e-1111-2222-3333-444455556666";
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final SnsClient sns = new FakeSns() {
        @Override
        public SubscribeResponse subscribe(SubscribeRequest request) {
            calls.add("subscribe " + request.endpoint());
            return SubscribeResponse.builder().subscriptionArn(SUBSCRIPTION).build();
        }

        @Override
        public UnsubscribeResponse unsubscribe(UnsubscribeRequest request) {
            calls.add("unsubscribe " + request.subscriptionArn());
            return UnsubscribeResponse.builder().build();
        }
    };
    private final SnsEndpoint endpoint = new SnsEndpoint(
            Set.of(TOPIC),
            null,
            SnsEndpoint.SignaturePolicy.LOCAL_EMULATOR_UNSIGNED,
            (topic, token) -> {},
            new TokenSource(new FakeAccounts(), new FakeAccounts(), Clock.systemUTC(), Duration.ofMinutes(5)));

    @Test
    @Timeout(60)
    void clientsSendingTheirRequestTooSlowly_areCutOff_andTheEndpointKeepsAnswering() throws Exception {
        try (SnsHttpSubscriber subscriber = SnsHttpSubscriber.start(
                new InetSocketAddress(LOOPBACK, 0), null, endpoint, sns, TOPIC, Duration.ofMillis(300))) {
            int port = subscriber.publicUrl().getPort();

            // GIVEN as many stalled requests as the endpoint has threads: one stops in its headers, one in its body
            try (Socket inHeaders = send(port, "POST /sns HTTP/1.1\r\nHost: proxy\r\nContent-Le");
                    Socket inBody =
                            send(port, "POST /sns HTTP/1.1\r\nHost: proxy\r\nContent-Length: 100\r\n\r\n{\"Type\":")) {

                // THEN the server closes both
                assertThat(closedByServer(inHeaders))
                        .as("stalled in its headers: closed")
                        .isTrue();
                assertThat(closedByServer(inBody))
                        .as("stalled in its body: closed")
                        .isTrue();
            }

            // AND a whole request is still answered (400: not an SNS message)
            assertThat(statusOf(port, "not json".getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo(400);
        }
    }

    @Test
    void bodyOverTheLimit_isA413() throws Exception {
        try (SnsHttpSubscriber subscriber =
                SnsHttpSubscriber.start(new InetSocketAddress(LOOPBACK, 0), null, endpoint, sns, TOPIC)) {
            assertThat(statusOf(subscriber.publicUrl().getPort(), new byte[SnsHttpSubscriber.MAX_BODY_BYTES + 1]))
                    .isEqualTo(413);
        }
    }

    @Test
    void start_subscribes_andClose_unsubscribes() {
        SnsHttpSubscriber subscriber =
                SnsHttpSubscriber.start(new InetSocketAddress(LOOPBACK, 0), null, endpoint, sns, TOPIC);
        subscriber.close();

        assertThat(calls).containsExactly("subscribe " + subscriber.publicUrl(), "unsubscribe " + SUBSCRIPTION);
    }

    @Test
    void snsRefusingTheSubscription_isTheLibrarysException_andNothingIsLeftServing() throws Exception {
        int port = freePort();
        SnsClient refusing = new FakeSns() {
            @Override
            public SubscribeResponse subscribe(SubscribeRequest request) {
                throw SnsException.builder()
                        .message("AuthorizationError: internal AWS detail")
                        .statusCode(403)
                        .build();
            }
        };

        assertThatThrownBy(() ->
                        SnsHttpSubscriber.start(new InetSocketAddress(LOOPBACK, port), null, endpoint, refusing, TOPIC))
                .isInstanceOf(FleetException.DependencyFailed.class)
                .hasMessageNotContaining("internal AWS detail")
                .hasCauseInstanceOf(SnsException.class);
        assertThatThrownBy(() -> new Socket(LOOPBACK, port).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void snsFailingTheUnsubscription_isTheLibrarysException_andServingStopsAnyway() throws Exception {
        SnsClient failingOnClose = new FakeSns() {
            @Override
            public SubscribeResponse subscribe(SubscribeRequest request) {
                return SubscribeResponse.builder().subscriptionArn(SUBSCRIPTION).build();
            }

            @Override
            public UnsubscribeResponse unsubscribe(UnsubscribeRequest request) {
                throw SnsException.builder()
                        .message("Throttling: internal AWS detail")
                        .statusCode(400)
                        .build();
            }
        };
        SnsHttpSubscriber subscriber =
                SnsHttpSubscriber.start(new InetSocketAddress(LOOPBACK, 0), null, endpoint, failingOnClose, TOPIC);
        int port = subscriber.publicUrl().getPort();

        assertThatThrownBy(subscriber::close)
                .isInstanceOf(FleetException.DependencyFailed.class)
                .hasMessageNotContaining("internal AWS detail");
        assertThatThrownBy(() -> new Socket(LOOPBACK, port).close()).isInstanceOf(ConnectException.class);
    }

    private static Socket send(int port, String partialRequest) throws IOException {
        Socket socket = new Socket(LOOPBACK, port);
        socket.getOutputStream().write(partialRequest.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /** True when the server ends the connection; false when it is still open after 20 s (it would hold a thread for good). */
    private static boolean closedByServer(Socket socket) throws IOException {
        socket.setSoTimeout(20_000);
        InputStream in = socket.getInputStream();
        try {
            while (in.read() != -1) {
                // whatever it says, it must then close
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    private static int statusOf(int port, byte[] body) throws IOException {
        try (Socket socket = new Socket(LOOPBACK, port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream()
                    .write(("POST /sns HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\nContent-Length: " + body.length
                                    + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            String statusLine = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            return probe.getLocalPort();
        }
    }
}
