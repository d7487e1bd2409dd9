package dev.airlock.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * {@code POST /slack/interactions}: Slack's {@code block_actions} and {@code view_submission} over
 * HTTP ({@code airlock.slack.mode=http}). The signature is checked over the raw body before
 * anything is parsed; the request is acknowledged at once and {@link SlackInteractionHandler} does
 * the rest on a worker.
 */
@Path("/slack/interactions")
public class SlackInteractions {

  private static final Logger LOG = Logger.getLogger(SlackInteractions.class);

  @Inject SlackSettings settings;
  @Inject SlackInteractionHandler handler;
  @Inject ObjectMapper json;

  private volatile SlackSignature signature;

  @POST
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response interact(
      @HeaderParam("X-Slack-Request-Timestamp") String timestamp,
      @HeaderParam("X-Slack-Signature") String signed,
      String rawBody) {
    // In Socket Mode Slack never posts here, so the unauthenticated path is closed altogether.
    if (!settings.enabled()
        || settings.mode() != SlackSettings.Mode.HTTP
        || settings.signingSecret().isEmpty()) {
      return Response.status(404).build();
    }
    String body = rawBody == null ? "" : rawBody;
    String refusal = signature().refusal(timestamp, signed, body, Instant.now());
    if (refusal != null) {
      LOG.warnf("Refused a Slack interaction: %s", refusal);
      return Response.status(401)
          .type(MediaType.TEXT_PLAIN)
          .entity("invalid request signature")
          .build();
    }
    JsonNode payload;
    try {
      payload = json.readTree(formField(body, "payload"));
    } catch (Exception e) {
      return Response.status(400)
          .type(MediaType.TEXT_PLAIN)
          .entity("no interaction payload")
          .build();
    }
    handler.handleLater(payload);
    // An empty 200 is the acknowledgement; for a view_submission it also closes the modal.
    return Response.ok().build();
  }

  private SlackSignature signature() {
    SlackSignature current = signature;
    if (current == null) {
      current = new SlackSignature(settings.signingSecret().get());
      signature = current;
    }
    return current;
  }

  private static String formField(String body, String name) {
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    throw new IllegalArgumentException("no " + name);
  }
}
