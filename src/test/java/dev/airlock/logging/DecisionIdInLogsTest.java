package dev.airlock.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.approval.Approvals;
import dev.airlock.testing.McpTestClient;
import dev.airlock.testing.ParkedCalls;
import dev.airlock.testing.Rows;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.awaitility.Awaitility;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every log line about a call carries its decision id, the one its audit event and approval use.
 */
@QuarkusTest
class DecisionIdInLogsTest {

  record Line(String logger, String message, String decisionId) {}

  @Inject Approvals approvals;
  @Inject AgroalDataSource dataSource;

  @TestHTTPResource("/mcp/healthomics")
  URL gateway;

  private final List<Line> lines = new CopyOnWriteArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          String decisionId =
              record instanceof ExtLogRecord ext ? ext.getMdc(DecisionLog.KEY) : null;
          String message =
              record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
          lines.add(new Line(record.getLoggerName(), message, decisionId));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void listen() {
    Logger.getLogger("airlock.calls").addHandler(capture);
    Logger.getLogger("dev.airlock.approval").addHandler(capture);
  }

  @AfterEach
  void stopListening() {
    Logger.getLogger("airlock.calls").removeHandler(capture);
    Logger.getLogger("dev.airlock.approval").removeHandler(capture);
  }

  @Test
  void anAllowedCallsLineCarriesTheDecisionIdOfItsAuditEvent() throws Exception {
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();

    client.callTool("ListAHORuns", "{\"maxResults\":1}");

    // A forwarded call's event is committed just after its answer (its intent was durable first).
    String audited =
        Awaitility.await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> decisionIdAudited(client.session()), id -> id != null);
    Line line =
        Awaitility.await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> lineMentioning("ListAHORuns on healthomics"), l -> l != null);
    assertThat(audited).isNotBlank();
    assertThat(line.decisionId()).isEqualTo(audited);
    assertThat(line.message()).contains("allow").contains("-> ok");
  }

  @Test
  void aParkedCallsLinesFromParkingToReleaseCarryItsApprovalId() throws Exception {
    // Given
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    String runId = "run-" + UUID.randomUUID();
    CompletableFuture<JsonNode> answer =
        ParkedCalls.callInBackground(
            client, "CancelAHORunBatch", "{\"runIds\":[\"" + runId + "\"]}");
    String id = ParkedCalls.awaitPending(approvals, client.session());

    // When
    ParkedCalls.decideThroughApi(id, "approve");
    answer.get(20, TimeUnit.SECONDS);

    // Then
    assertThat(linesWithDecisionId(id))
        .extracting(Line::message)
        .anyMatch(m -> m.startsWith("Parking CancelAHORunBatch on healthomics"))
        .anyMatch(m -> m.startsWith("Recording approve by reviewer via api"))
        .anyMatch(m -> m.contains("CancelAHORunBatch on healthomics") && m.contains("-> ok"));
    assertThat(decisionIdAudited(client.session())).isEqualTo(id);
  }

  private Line lineMentioning(String text) {
    return lines.stream().filter(l -> l.message().contains(text)).findFirst().orElse(null);
  }

  private List<Line> linesWithDecisionId(String id) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> lines.stream().filter(l -> id.equals(l.decisionId())).toList(),
            found -> found.size() >= 3);
  }

  private String decisionIdAudited(String session) throws Exception {
    return Rows.strings(
            dataSource,
            "select decision_id from audit_event where kind = 'call' and session_id = ?",
            session)
        .stream()
        .findFirst()
        .orElse(null);
  }
}
