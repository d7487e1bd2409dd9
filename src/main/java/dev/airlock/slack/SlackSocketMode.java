package dev.airlock.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.slack.api.Slack;
import com.slack.api.socket_mode.SocketModeClient;
import com.slack.api.socket_mode.impl.SocketModeClientJavaWSImpl;
import com.slack.api.socket_mode.request.InteractiveEnvelope;
import com.slack.api.socket_mode.response.AckResponse;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URISyntaxException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Receives Slack interactions over Socket Mode ({@code airlock.slack.mode=socket}): Airlock opens
 * an outbound WebSocket to Slack with the app token, so a cluster without ingress still gets button
 * clicks. Each envelope is acknowledged first (Slack redelivers what is not acknowledged within 3
 * seconds), then {@link SlackInteractionHandler} handles its payload exactly as the HTTP
 * endpoint's.
 *
 * <p>Once connected, the SDK's session monitor reconnects on its own. Only the first connection is
 * retried here: the SDK gives up if {@code apps.connections.open} fails before a client exists. The
 * client is the SDK's Java-WebSocket one ({@link SocketModeClient.Backend#JavaWebSocket}).
 */
@ApplicationScoped
public class SlackSocketMode {

  private static final Logger LOG = Logger.getLogger(SlackSocketMode.class);

  /** Between connection attempts after a failure (as the SDK's own monitor waits). */
  private static final long RETRY_SECONDS = 10;

  @Inject SlackSettings settings;
  @Inject SlackApi slack;
  @Inject SlackInteractionHandler handler;
  @Inject ObjectMapper json;

  /**
   * Connecting calls the Web API and blocks: it runs here, never on startup's or Vert.x's thread.
   */
  private ScheduledExecutorService connector;

  private SocketModeClient client;
  private boolean stopped;

  /** Set while the connection is down, so an outage is logged once, not on every retry. */
  private final AtomicBoolean down = new AtomicBoolean();

  void onStart(@Observes StartupEvent event) {
    if (!settings.enabled() || settings.mode() != SlackSettings.Mode.SOCKET) {
      return;
    }
    if (settings.appToken().filter(token -> !token.isBlank()).isEmpty()) {
      LOG.error(
          "airlock.slack.mode=socket needs airlock.slack.app-token (AIRLOCK_SLACK_APP_TOKEN);"
              + " Slack buttons will not work until it is set");
      return;
    }
    synchronized (this) {
      connector =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, "slack-socket-mode-connect");
                thread.setDaemon(true);
                return thread;
              });
      connector.execute(this::connect);
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    SocketModeClient open;
    synchronized (this) {
      stopped = true;
      if (connector != null) {
        connector.shutdownNow();
      }
      open = client;
      client = null;
    }
    if (open != null) {
      try {
        open.close(); // turns auto-reconnect off, closes the socket and the SDK's executors
      } catch (Exception e) {
        LOG.debugf("Closing the Slack Socket Mode client: %s", e.getMessage());
      }
    }
  }

  private void connect() {
    SocketModeClient created;
    try {
      // apps.connections.open at airlock.slack.api-url gives a fresh wss:// URL.
      Slack sdk = slack.sdk();
      String token = settings.appToken().get();
      created = new KeepReconnecting(sdk, token, sdk.issueSocketModeUrl(token));
    } catch (Exception e) {
      // IOException when unreachable, IllegalStateException when Slack answers ok=false.
      if (down.compareAndSet(false, true)) {
        LOG.errorf(
            "Slack Socket Mode could not connect (%s); retrying every %d s",
            e.getMessage(), RETRY_SECONDS);
      }
      retryLater();
      return;
    }
    created.addWebSocketMessageListener(this::onMessage);
    created.addWebSocketErrorListener(this::onError);
    created.addWebSocketCloseListener(this::onClose);
    created.addInteractiveEnvelopeListener(envelope -> onInteractive(created, envelope));
    synchronized (this) {
      if (stopped) {
        closeQuietly(created);
        return;
      }
      client = created;
    }
    try {
      created.connect(); // asynchronous: the session monitor takes over if the handshake fails
    } catch (Exception e) {
      onError(e);
    }
  }

  private synchronized void retryLater() {
    if (!stopped) {
      connector.schedule(this::connect, RETRY_SECONDS, TimeUnit.SECONDS);
    }
  }

  /** Runs on the SDK's message processor threads, never on a Vert.x event loop. */
  private void onInteractive(SocketModeClient from, InteractiveEnvelope envelope) {
    try {
      from.sendSocketModeResponse(
          AckResponse.builder().envelopeId(envelope.getEnvelopeId()).build());
    } catch (RuntimeException e) {
      // The socket closed under us: Slack redelivers the unacknowledged envelope on the next
      // connection, so handling it now as well would act on it twice.
      LOG.debugf("Could not acknowledge a Slack envelope: %s", e.getMessage());
      return;
    }
    if (envelope.getPayload() == null) {
      return;
    }
    try {
      JsonNode payload = json.readTree(envelope.getPayload().toString());
      handler.handleLater(payload); // off the SDK's threads, so further envelopes are acked fast
    } catch (Exception e) {
      LOG.warnf("Unreadable Slack Socket Mode payload: %s", e.getMessage());
    }
  }

  /** Slack greets every new connection with {@code hello}: the connection is usable. */
  private void onMessage(String message) {
    // Closing runs the SDK's queued messages once more: a late hello is no news then.
    if (!isStopped() && isType(message, "hello")) {
      if (down.getAndSet(false)) {
        LOG.info("Slack Socket Mode connected again");
      } else {
        LOG.info("Slack Socket Mode connected");
      }
    }
  }

  private void onError(Throwable reason) {
    if (!isStopped() && down.compareAndSet(false, true)) {
      LOG.errorf(
          "Slack Socket Mode connection failed (%s); the Slack SDK reconnects",
          reason.getMessage());
    }
  }

  private void onClose(Integer code, String reason) {
    // 1000 is a normal close: the SDK replacing a session Slack asked it to refresh.
    if (code != null && code == 1000) {
      return;
    }
    if (!isStopped() && down.compareAndSet(false, true)) {
      LOG.warnf(
          "Slack Socket Mode connection closed (code %s%s); the Slack SDK reconnects",
          code, reason == null || reason.isBlank() ? "" : ", " + reason);
    }
  }

  private boolean isType(String message, String type) {
    try {
      return json.readTree(message).path("type").asText().equals(type);
    } catch (Exception e) {
      return false;
    }
  }

  private synchronized boolean isStopped() {
    return stopped;
  }

  /**
   * The SDK's Java-WebSocket client, except that its session monitor survives an {@code
   * apps.connections.open} answered with {@code ok: false} during a reconnect: the SDK throws an
   * unchecked exception there, which would end its scheduled monitor, and with it every later
   * reconnect.
   */
  static final class KeepReconnecting extends SocketModeClientJavaWSImpl {

    KeepReconnecting(Slack sdk, String appToken, String wssUrl) throws URISyntaxException {
      super(sdk, appToken, wssUrl);
    }

    @Override
    public long maintainCurrentSession() {
      try {
        return super.maintainCurrentSession();
      } catch (RuntimeException e) {
        LOG.debugf("Slack Socket Mode reconnect failed: %s", e.getMessage());
        return System.currentTimeMillis() + RETRY_SECONDS * 1000;
      }
    }
  }

  private static void closeQuietly(SocketModeClient client) {
    try {
      client.close();
    } catch (Exception e) {
      LOG.debugf("Closing the Slack Socket Mode client: %s", e.getMessage());
    }
  }
}
