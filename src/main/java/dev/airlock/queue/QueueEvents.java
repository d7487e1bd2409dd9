package dev.airlock.queue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.approval.ApprovalEvent;
import dev.airlock.approval.ApprovalView;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Locale;
import org.jboss.logging.Logger;

/** Re-broadcasts approval changes (from any replica, via Kafka) to the open queue pages. */
@ApplicationScoped
public class QueueEvents {

  /** What an open queue page is told of a change (docs/queue.md): enough to update itself. */
  record Change(String kind, String id, String status, String decidedBy, String via) {

    static Change of(ApprovalEvent event) {
      ApprovalView view = event.view();
      return new Change(
          event.kind().name().toLowerCase(Locale.ROOT),
          view.id(),
          view.status().name(),
          view.decidedBy(),
          view.decidedVia() == null ? null : view.decidedVia().name());
    }
  }

  private static final Logger LOG = Logger.getLogger(QueueEvents.class);

  private final BroadcastProcessor<String> broadcast = BroadcastProcessor.create();

  @Inject ObjectMapper json;

  // Fired by the approvals' Kafka consumer: a live view must never fail it.
  void on(@Observes ApprovalEvent event) {
    try {
      broadcast.onNext(json.writeValueAsString(Change.of(event)));
    } catch (JsonProcessingException e) {
      LOG.warnf("Queue pages not told of approval %s: %s", event.view().id(), e.getMessage());
    }
  }

  Multi<String> stream() {
    return broadcast;
  }
}
