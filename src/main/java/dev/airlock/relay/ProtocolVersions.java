package dev.airlock.relay;

import java.util.List;

/**
 * The MCP revisions the relay serves. The stateless 2026-07-28 revision (no initialize, no
 * sessions) needs its own transport handling and is not served yet; see docs/relay.md.
 */
public final class ProtocolVersions {

  public static final String LATEST = "2025-11-25";

  /** Newest first. */
  public static final List<String> SUPPORTED = List.of("2025-11-25", "2025-06-18", "2025-03-26");

  /** What a request without {@code MCP-Protocol-Version} is taken to speak (the spec's rule). */
  public static final String ASSUMED_WHEN_ABSENT = "2025-03-26";

  private ProtocolVersions() {}

  public static boolean supported(String version) {
    return SUPPORTED.contains(version);
  }

  /** 2025-11-25 added SSE priming events and polling-friendly streams. */
  public static boolean primesStreams(String version) {
    return version.compareTo("2025-11-25") >= 0;
  }
}
