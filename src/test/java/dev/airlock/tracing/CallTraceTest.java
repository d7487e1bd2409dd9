package dev.airlock.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.approval.Approvals;
import dev.airlock.testing.McpTestClient;
import dev.airlock.testing.ParkedCalls;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * One call, one trace: the relay's span, the approval wait, the decision taken through another
 * request, the Kafka messages about it and the trip upstream share the call's trace id. Replicas
 * join it the same way: the traceparent travels in the approval row and the Kafka headers.
 */
@QuarkusTest
class CallTraceTest {

  @Inject InMemorySpanExporter spans;
  @Inject Approvals approvals;

  @TestHTTPResource("/mcp/healthomics")
  URL gateway;

  @Test
  void aParkedCallsWholeJourneyIsOneTrace() throws Exception {
    // Given
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    String runId = "run-" + UUID.randomUUID();
    CompletableFuture<JsonNode> answer =
        ParkedCalls.callInBackground(
            client, "CancelAHORunBatch", "{\"runIds\":[\"" + runId + "\"]}");
    String id = ParkedCalls.awaitPending(approvals, client.session());

    // When: a reviewer approves through the API (another request, its own trace)
    ParkedCalls.decideThroughApi(id, "approve");
    answer.get(20, TimeUnit.SECONDS);

    // Then
    SpanData call =
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    spans.getFinishedSpanItems().stream()
                        .filter(s -> s.getName().equals("tools/call CancelAHORunBatch"))
                        .filter(s -> id.equals(attribute(s, "airlock.decision_id")))
                        .findFirst()
                        .orElse(null),
                s -> s != null);
    String trace = call.getTraceId();
    List<SpanData> inTrace =
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    spans.getFinishedSpanItems().stream()
                        .filter(s -> s.getTraceId().equals(trace))
                        .toList(),
                found ->
                    found.stream().map(SpanData::getName).toList().containsAll(expectedNames()));
    SpanData decision = named(inTrace, "approval decision");
    assertThat(attribute(decision, "airlock.reviewer")).isEqualTo("reviewer");
    assertThat(attribute(decision, "airlock.channel")).isEqualTo("api");
    assertThat(decision.getLinks())
        .as("linked to the request that carried the decision")
        .anyMatch(link -> !link.getSpanContext().getTraceId().equals(trace));
    assertThat(named(inTrace, "approval wait").getParentSpanId()).isEqualTo(call.getSpanId());
    assertThat(named(inTrace, "upstream tools/call CancelAHORunBatch").getParentSpanId())
        .isEqualTo(call.getSpanId());
    assertThat(attribute(call, "airlock.decision")).isEqualTo("park");
    assertThat(attribute(call, "airlock.outcome")).isEqualTo("ok");
    assertThat(inTrace)
        .as("the Kafka messages announcing the request and its decision")
        .anyMatch(s -> s.getName().contains("airlock.approvals.requested"))
        .anyMatch(s -> s.getName().contains("airlock.approvals.decided"));
  }

  @Test
  void anAllowedCallsSpanSaysWhatWasDecided() throws Exception {
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();

    client.callTool("ListAHORuns", "{\"maxResults\":1}");

    SpanData call =
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    spans.getFinishedSpanItems().stream()
                        .filter(s -> s.getName().equals("tools/call ListAHORuns"))
                        .filter(s -> client.session().equals(attribute(s, "airlock.session")))
                        .findFirst()
                        .orElse(null),
                s -> s != null);
    assertThat(attribute(call, "airlock.decision")).isEqualTo("allow");
    assertThat(attribute(call, "airlock.rule")).isEqualTo("default");
    assertThat(attribute(call, "airlock.upstream")).isEqualTo("healthomics");
  }

  private static List<String> expectedNames() {
    return List.of(
        "tools/call CancelAHORunBatch",
        "approval wait",
        "approval decision",
        "upstream tools/call CancelAHORunBatch");
  }

  private static SpanData named(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }

  private static String attribute(SpanData span, String key) {
    return span.getAttributes().get(AttributeKey.stringKey(key));
  }
}
