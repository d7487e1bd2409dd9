package dev.airlock.policy;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the engine decides about: who calls which tool on which upstream with which arguments.
 *
 * @param arguments the call's arguments (a JSON object)
 * @param annotations the tool's MCP annotations, or null when unknown
 */
public record PolicyRequest(
    String agent,
    String grantId,
    String sessionId,
    String upstream,
    String tool,
    JsonNode arguments,
    JsonNode annotations) {}
