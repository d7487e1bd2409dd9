package dev.airlock.queue;

import dev.airlock.approval.ApprovalEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Re-broadcasts approval changes (from any replica, via Kafka) to the open queue pages. */
@ApplicationScoped
public class QueueEvents {

  private final BroadcastProcessor<String> broadcast = BroadcastProcessor.create();

  void on(@Observes ApprovalEvent event) {
    broadcast.onNext(
        "{\"kind\":\""
            + event.kind().name().toLowerCase(java.util.Locale.ROOT)
            + "\",\"id\":\""
            + event.view().id()
            + "\",\"status\":\""
            + event.view().status().name()
            + "\",\"decidedBy\":"
            + (event.view().decidedBy() == null
                ? "null"
                : "\"" + event.view().decidedBy().replace("\"", "") + "\"")
            + ",\"via\":"
            + (event.view().decidedVia() == null
                ? "null"
                : "\"" + event.view().decidedVia().name() + "\"")
            + "}");
  }

  Multi<String> stream() {
    return broadcast;
  }
}
