package dev.reauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

class RequestSignerTest {

    // the credentials and time of AWS's Signature Version 4 test suite
    private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));
    private static final Clock SUITE_TIME = Clock.fixed(Instant.parse("2015-08-30T12:36:00Z"), ZoneOffset.UTC);

    @Test
    void signsAsTheSdkSignerDoes_forThePastedCodeRequest() {
        // GIVEN the request the CLI sends to complete a login on a deployed API
        URI uri = URI.create("https://r3au7h0000.execute-api.eu-west-1.amazonaws.com/oauth/callback");
        String body = "{\"code\":\"abc#def\"}";
        Map<String, String> headers = Map.of("Accept", "application/json", "Content-Type", "application/json");

        // WHEN the CLI signs it, and the SDK signer signs the same inputs directly
        Map<String, List<String>> ours = new RequestSigner(CREDENTIALS, "eu-west-1", RequestSigner.SERVICE, SUITE_TIME)
                .sign("POST", uri, headers, body);
        SdkHttpRequest.Builder request =
                SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri);
        headers.forEach(request::putHeader);
        Map<String, List<String>> sdk = AwsV4HttpSigner.create()
                .sign(r -> r.identity(CREDENTIALS.resolveCredentials())
                        .request(request.build())
                        .payload(ContentStreamProvider.fromByteArray(body.getBytes(StandardCharsets.UTF_8)))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1")
                        .putProperty(HttpSigner.SIGNING_CLOCK, SUITE_TIME))
                .request()
                .headers();

        // THEN the signatures are the same, scoped to execute-api in the API's region
        assertThat(ours.get("Authorization")).isEqualTo(sdk.get("Authorization"));
        assertThat(ours.get("Authorization").getFirst())
                .startsWith(
                        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/execute-api/aws4_request, SignedHeaders=");
        assertThat(ours.get("X-Amz-Date")).containsExactly("20150830T123600Z");
    }

    @Test
    void referenceImplementation_reproducesAwsTestSuite_getVanilla() throws Exception {
        // aws-sig-v4-test-suite/get-vanilla: proves the reference below before it judges our signer
        String signature = referenceSignature(
                "GET",
                "/",
                "",
                new TreeMap<>(Map.of("host", "example.amazonaws.com", "x-amz-date", "20150830T123600Z")),
                "",
                "us-east-1",
                "service");

        assertThat(signature).isEqualTo("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    }

    @Test
    void signature_matchesTheSigV4SpecComputedIndependently() throws Exception {
        String body = "{\"name\":\"work\",\"mode\":\"max\"}";
        URI uri = URI.create("https://example.amazonaws.com/accounts");
        Map<String, List<String>> signed = new RequestSigner(CREDENTIALS, "us-east-1", "service", SUITE_TIME)
                .sign("POST", uri, Map.of("Content-Type", "application/json"), body);

        String authorization = signed.get("Authorization").getFirst();
        String signedHeaders = authorization.replaceAll(".*SignedHeaders=([^,]+),.*", "$1");
        TreeMap<String, String> headers = new TreeMap<>();
        headers.put("host", "example.amazonaws.com");
        for (String name : signedHeaders.split(";")) {
            if (!name.equals("host")) {
                headers.put(
                        name,
                        signed.entrySet().stream()
                                .filter(e -> e.getKey().equalsIgnoreCase(name))
                                .findFirst()
                                .orElseThrow()
                                .getValue()
                                .getFirst());
            }
        }
        assertThat(headers.keySet()).contains("content-type", "x-amz-date");

        assertThat(authorization)
                .endsWith("Signature="
                        + referenceSignature("POST", "/accounts", "", headers, body, "us-east-1", "service"));
    }

    /** SigV4 as the AWS documentation specifies it, written out step by step. */
    private static String referenceSignature(
            String method,
            String path,
            String query,
            TreeMap<String, String> headers,
            String payload,
            String region,
            String service)
            throws Exception {
        StringBuilder canonicalHeaders = new StringBuilder();
        headers.forEach((k, v) ->
                canonicalHeaders.append(k).append(':').append(v.strip()).append('\n'));
        String canonicalRequest = String.join(
                "\n",
                method,
                path,
                query,
                canonicalHeaders.toString(),
                String.join(";", headers.keySet()),
                hex(sha256(payload)));
        String date = headers.get("x-amz-date");
        String scope = date.substring(0, 8) + "/" + region + "/" + service + "/aws4_request";
        String stringToSign = String.join("\n", "AWS4-HMAC-SHA256", date, scope, hex(sha256(canonicalRequest)));
        byte[] key = hmac(
                ("AWS4" + "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").getBytes(StandardCharsets.UTF_8),
                date.substring(0, 8));
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        return hex(hmac(key, stringToSign));
    }

    private static byte[] sha256(String text) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Test
    void regionOf_readsTheRegionFromAnApiGatewayUrl() {
        assertThat(RequestSigner.regionOf(URI.create("https://abc123.execute-api.ap-southeast-2.amazonaws.com")))
                .contains("ap-southeast-2");
        assertThat(RequestSigner.regionOf(URI.create("https://reauth.example.com")))
                .isEmpty();
    }
}
