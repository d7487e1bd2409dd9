package dev.airlock.guard;

/**
 * The W3C {@code traceparent} of a call's span, in its {@link GuardContext}: work done for the call
 * elsewhere (a worker, Kafka, another replica) joins the call's trace through it.
 */
public record TraceParent(String value) {}
