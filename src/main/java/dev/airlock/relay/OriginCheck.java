package dev.airlock.relay;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * DNS-rebinding protection, as the Streamable HTTP transport requires: a browser page on another
 * origin must not reach the gateway, and a hostile DNS name pointed at a loopback gateway must be
 * refused by its Host header.
 */
final class OriginCheck {

  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

  private final List<String> allowedOrigins;
  private final List<String> allowedHosts;

  OriginCheck(List<String> allowedOrigins, List<String> allowedHosts) {
    this.allowedOrigins = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
    this.allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
  }

  /** Null when acceptable, else why not. */
  String refusal(String origin, String host) {
    if (host != null && !allowedHosts.isEmpty()) {
      String name = hostName(host);
      if (!LOOPBACK.contains(name) && !allowedHosts.contains(name)) {
        return "Host '" + host + "' is not allowed";
      }
    }
    if (origin == null) {
      return null;
    }
    String normalized = origin.toLowerCase(Locale.ROOT);
    if (allowedOrigins.contains(normalized)) {
      return null;
    }
    try {
      URI uri = URI.create(normalized);
      if (uri.getHost() != null && LOOPBACK.contains(uri.getHost())) {
        if (host == null || LOOPBACK.contains(hostName(host))) {
          return null;
        }
      }
    } catch (IllegalArgumentException e) {
      return "Origin '" + origin + "' is malformed";
    }
    return "Origin '" + origin + "' is not allowed";
  }

  static String hostName(String hostHeader) {
    String host = hostHeader.toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end < 0 ? host : host.substring(0, end + 1);
    }
    int colon = host.indexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }
}
