package dev.airlock.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.guard.ToolCall;
import dev.airlock.policy.Decision;

/**
 * What the approval guard stores when it parks a call.
 *
 * @param shownArguments the arguments after redaction
 * @param inputSchema the tool's input schema, for checking edited arguments, or null
 */
public record ParkRequest(
    ToolCall call,
    Decision.Park park,
    ObjectNode shownArguments,
    String argumentsDigest,
    JsonNode inputSchema,
    String traceParent) {}
