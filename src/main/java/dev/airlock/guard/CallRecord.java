package dev.airlock.guard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;

/**
 * Everything known about a finished {@code tools/call}, handed to each {@link CallObserver}.
 *
 * @param call the call as the client sent it
 * @param forwarded the call as it went upstream (edited arguments), or null if it did not
 * @param context the guards' shared values (policy decision, approval, limits)
 * @param response the JSON-RPC result or error object the client received, or null
 * @param upstreamLatency time spent waiting for the upstream, or null if not forwarded
 */
public record CallRecord(
    ToolCall call,
    ToolCall forwarded,
    GuardContext context,
    CallOutcome outcome,
    String detail,
    ObjectNode response,
    Instant startedAt,
    Duration total,
    Duration upstreamLatency) {}
