package dev.airlock.upstream;

/** Opens sessions on one configured upstream. */
public interface UpstreamTransport {

  String name();

  /** A new session; nothing is sent until the client's {@code initialize} is relayed. */
  UpstreamSession open(UpstreamListener listener);

  /** A short description for error messages and logs (URL or command). */
  String describe();
}
