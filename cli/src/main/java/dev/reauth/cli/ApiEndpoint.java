package dev.reauth.cli;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;

/**
 * Where the API is: --api-url, else REAUTH_API_URL, else the ApiUrl output of a deployed stack
 * (--stack or REAUTH_STACK), else the local run's API on 127.0.0.1:8787.
 */
public final class ApiEndpoint {

    public static final URI LOCAL_RUN = URI.create("http://127.0.0.1:8787");

    private ApiEndpoint() {
    }

    public static URI resolve(String flagUrl, String stack, Optional<String> region, Map<String, String> env) {
        if (flagUrl != null && !flagUrl.isBlank()) {
            return parse(flagUrl);
        }
        String fromEnv = env.get("REAUTH_API_URL");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return parse(fromEnv);
        }
        String stackName = stack != null ? stack : env.get("REAUTH_STACK");
        if (stackName != null && !stackName.isBlank()) {
            return fromStack(stackName, region);
        }
        return LOCAL_RUN;
    }

    /** True for the local run's API, which needs no credentials. */
    public static boolean isLocal(URI api) {
        String host = api.getHost() == null ? "" : api.getHost();
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1");
    }

    private static URI parse(String url) {
        try {
            URI uri = URI.create(url.strip());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new CliFailure(ExitCode.USAGE, "Not an API URL: " + url);
        }
    }

    private static URI fromStack(String stackName, Optional<String> region) {
        try (CloudFormationClient cloudFormation = CloudFormationClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .applyMutation(b -> region.ifPresent(r -> b.region(Region.of(r))))
                .build()) {
            return cloudFormation.describeStacks(d -> d.stackName(stackName)).stacks().stream()
                    .flatMap(s -> s.outputs().stream())
                    .filter(o -> "ApiUrl".equals(o.outputKey()))
                    .map(Output::outputValue)
                    .findFirst()
                    .map(ApiEndpoint::parse)
                    .orElseThrow(() -> new CliFailure(ExitCode.FAILED, "Stack " + stackName + " has no ApiUrl output"));
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            throw new CliFailure(ExitCode.NOT_AUTHORIZED, "Cannot read the outputs of stack " + stackName
                    + " (AWS credentials and region needed): " + e.getClass().getSimpleName());
        }
    }
}
