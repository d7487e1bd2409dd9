package dev.airlock.guard;

/** Put in a call's {@link GuardContext} once it is parked on, or attached to, an approval. */
public record ApprovalRef(String id) {}
