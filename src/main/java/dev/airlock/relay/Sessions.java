package dev.airlock.relay;

import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/** The open client sessions of this replica, by {@code Mcp-Session-Id}. */
@ApplicationScoped
public class Sessions {

  private static final Logger LOG = Logger.getLogger(Sessions.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, ClientSession> byId = new ConcurrentHashMap<>();
  private final RelayConfig config;

  @Inject
  public Sessions(RelayConfig config, Vertx vertx) {
    this.config = config;
    long period = Math.max(1000, Math.min(60_000, config.sessionIdleTimeout().toMillis() / 4));
    vertx.setPeriodic(period, t -> sweep());
    vertx.setPeriodic(config.keepAliveInterval().toMillis(), t -> keepAlive());
  }

  /** A new unguessable session id (128 random bits). */
  static String newId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  void add(ClientSession session) {
    byId.put(session.id(), session);
  }

  Optional<ClientSession> find(String id) {
    return Optional.ofNullable(id == null ? null : byId.get(id));
  }

  public int count() {
    return byId.size();
  }

  void end(ClientSession session) {
    if (byId.remove(session.id(), session)) {
      session.close("ended");
    }
  }

  private void sweep() {
    for (ClientSession session : byId.values()) {
      if (session.idleFor().compareTo(config.sessionIdleTimeout()) > 0) {
        LOG.infof("Ending idle session %s on %s", session.id(), session.upstreamName());
        end(session);
      }
    }
  }

  private void keepAlive() {
    byId.values().forEach(session -> session.serverStream().keepAlive());
  }

  void onStop(@Observes ShutdownEvent event) {
    byId.values().forEach(this::end);
  }
}
