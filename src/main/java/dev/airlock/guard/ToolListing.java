package dev.airlock.guard;

/** Who is listing the tools of which upstream. */
public record ToolListing(String upstream, String sessionId, Caller caller) {}
