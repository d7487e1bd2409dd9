package dev.airlock.sse;

/** One Server-Sent Event. Fields the stream did not set are null. */
public record SseEvent(String id, String event, String data, Long retry) {}
