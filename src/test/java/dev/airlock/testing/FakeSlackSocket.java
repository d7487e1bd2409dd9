package dev.airlock.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * A fake Slack Socket Mode server on loopback: the {@code wss://} URL {@code apps.connections.open}
 * hands out, here plain {@code ws://127.0.0.1:<port>/link}. Like Slack it greets each connection
 * with {@code hello}, pushes envelopes, and records what the app sends back (acknowledgements).
 */
public final class FakeSlackSocket extends WebSocketServer {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every text frame the app sent, parsed. */
  public final List<JsonNode> received = new CopyOnWriteArrayList<>();

  /** Connections the app opened so far (reconnects count). */
  public final AtomicInteger opened = new AtomicInteger();

  private final CountDownLatch started = new CountDownLatch(1);
  private volatile WebSocket current;

  FakeSlackSocket() {
    super(new InetSocketAddress("127.0.0.1", 0));
    setReuseAddr(true);
    setDaemon(true);
    start();
    try {
      if (!started.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("fake Slack Socket Mode server did not start");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String url() {
    return "ws://127.0.0.1:" + getPort() + "/link";
  }

  /** True once an app holds an open connection. */
  public boolean connected() {
    WebSocket socket = current;
    return socket != null && socket.isOpen();
  }

  /** Pushes an {@code interactive} envelope carrying {@code payloadJson}, as Slack does. */
  public void sendInteractive(String envelopeId, String payloadJson) {
    current.send(
        "{\"envelope_id\":\""
            + envelopeId
            + "\",\"payload\":"
            + payloadJson
            + ",\"type\":\"interactive\",\"accepts_response_payload\":false}");
  }

  /** Asks the app to reconnect, as Slack does before it retires a connection. */
  public void sendDisconnect() {
    current.send(
        "{\"type\":\"disconnect\",\"reason\":\"refresh_requested\","
            + "\"debug_info\":{\"host\":\"applink-fake\"}}");
  }

  /** Drops the connection without a close handshake, as a network failure would. */
  public void drop() {
    current.closeConnection(1006, "dropped");
  }

  /** True once the app acknowledged this envelope ({@code {"envelope_id": ...}}). */
  public boolean acknowledged(String envelopeId) {
    return received.stream().anyMatch(m -> envelopeId.equals(m.path("envelope_id").asText()));
  }

  @Override
  public void onStart() {
    started.countDown();
  }

  @Override
  public void onOpen(WebSocket socket, ClientHandshake handshake) {
    if (!"/link".equals(handshake.getResourceDescriptor())) {
      socket.close(4000, "unknown path");
      return;
    }
    current = socket;
    opened.incrementAndGet();
    socket.send(
        "{\"type\":\"hello\",\"num_connections\":1,"
            + "\"debug_info\":{\"host\":\"applink-fake\",\"approximate_connection_time\":18060},"
            + "\"connection_info\":{\"app_id\":\"A1\"}}");
  }

  @Override
  public void onMessage(WebSocket socket, String message) {
    try {
      received.add(JSON.readTree(message));
    } catch (Exception e) {
      received.add(JSON.getNodeFactory().textNode(message));
    }
  }

  @Override
  public void onClose(WebSocket socket, int code, String reason, boolean remote) {}

  @Override
  public void onError(WebSocket socket, Exception e) {}

  void close() {
    try {
      stop(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
