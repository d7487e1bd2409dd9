package dev.airlock.slack;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.approval.ApprovalView;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads the approval topics in one consumer group shared by all replicas, so each message is posted
 * or updated once, and queues it for paced delivery.
 */
@ApplicationScoped
public class SlackListener {

  @Inject SlackSettings settings;
  @Inject SlackOutbox outbox;
  @Inject ObjectMapper json;

  @Incoming("slack-requested")
  @Blocking
  public void requested(String payload) throws Exception {
    if (settings.enabled()) {
      outbox.enqueuePost(json.readValue(payload, ApprovalView.class));
    }
  }

  @Incoming("slack-decided")
  @Blocking
  public void decided(String payload) throws Exception {
    if (settings.enabled()) {
      outbox.enqueueUpdate(json.readValue(payload, ApprovalView.class));
    }
  }
}
