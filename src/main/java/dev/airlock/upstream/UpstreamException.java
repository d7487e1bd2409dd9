package dev.airlock.upstream;

/** The upstream could not be reached, refused, timed out, or broke the protocol. */
public final class UpstreamException extends RuntimeException {

  private final String upstream;
  private final int httpStatus;

  public UpstreamException(String upstream, String message) {
    this(upstream, message, 0, null);
  }

  public UpstreamException(String upstream, String message, int httpStatus, Throwable cause) {
    super("Upstream '" + upstream + "': " + message, cause, false, false);
    this.upstream = upstream;
    this.httpStatus = httpStatus;
  }

  public String upstream() {
    return upstream;
  }

  /** The upstream's HTTP status when it answered with an error status, else 0. */
  public int httpStatus() {
    return httpStatus;
  }
}
