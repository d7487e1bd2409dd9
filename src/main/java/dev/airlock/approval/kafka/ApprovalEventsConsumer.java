package dev.airlock.approval.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.approval.ApprovalEvent;
import dev.airlock.approval.ApprovalView;
import dev.airlock.approval.ParkedCalls;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Every replica reads both approval topics with a consumer group of its own: decided requests
 * release the calls this replica holds, and every change is re-announced locally as an {@link
 * ApprovalEvent} for live views.
 */
@ApplicationScoped
public class ApprovalEventsConsumer {

  private static final Logger LOG = Logger.getLogger(ApprovalEventsConsumer.class);

  @Inject ObjectMapper json;
  @Inject ParkedCalls parked;
  @Inject Event<ApprovalEvent> events;

  @Incoming("approvals-requested-in")
  @Blocking
  public void onRequested(String payload) {
    ApprovalView view = parse(payload);
    if (view != null) {
      events.fire(new ApprovalEvent(ApprovalEvent.Kind.REQUESTED, view));
    }
  }

  @Incoming("approvals-decided-in")
  @Blocking
  public void onDecided(String payload) {
    ApprovalView view = parse(payload);
    if (view == null) {
      return;
    }
    parked.onDecided(view);
    events.fire(
        new ApprovalEvent(
            view.status().isFinal() ? ApprovalEvent.Kind.DECIDED : ApprovalEvent.Kind.REVIEWED,
            view));
  }

  private ApprovalView parse(String payload) {
    try {
      return json.readValue(payload, ApprovalView.class);
    } catch (Exception e) {
      LOG.warnf("Ignoring an approval message that is not an ApprovalView: %s", e.getMessage());
      return null;
    }
  }
}
