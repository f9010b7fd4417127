package dev.reauth.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** Counts AWS API calls (one per SDK execution, retries excluded) as "Service.Operation". */
final class CallCounter implements ExecutionInterceptor {

    private final ConcurrentLinkedQueue<String> calls = new ConcurrentLinkedQueue<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        calls.add(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    }

    /** The calls since the last drain, in order. */
    List<String> drain() {
        List<String> drained = new ArrayList<>();
        String call;
        while ((call = calls.poll()) != null) {
            drained.add(call);
        }
        return drained;
    }
}
