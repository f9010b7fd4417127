package dev.reauth.fleet;

import software.amazon.awssdk.services.sns.SnsClient;

/** An SnsClient whose every call is unsupported unless a test overrides it. */
abstract class FakeSns implements SnsClient {

    @Override
    public String serviceName() {
        return "sns";
    }

    @Override
    public void close() {}
}
