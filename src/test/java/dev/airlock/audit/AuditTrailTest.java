package dev.airlock.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.testing.EmbeddedServices;
import dev.airlock.testing.McpTestClient;
import dev.airlock.testing.Rows;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.StringReader;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AuditTrailTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject AuditChain chain;
  @Inject AgroalDataSource dataSource;
  @Inject AuditRetention retention;
  @Inject AuditPublisher publisher;

  @TestHTTPResource("/mcp/healthomics")
  URL gateway;

  @Test
  void everyCallIsRecordedWithItsDecisionRuleAndRedactedArguments() throws Exception {
    // Given
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();

    // When
    client.callTool("ListAHORuns", "{\"maxResults\":2,\"password\":\"hunter2\"}");
    client.callTool("DeleteAHORunBatch", "{\"runIds\":[\"run-0001\"]}");

    // Then (the allowed call's event is committed just after its answer: its intent was first)
    List<JsonNode> events =
        Awaitility.await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> eventsOfSession(client.session()), found -> found.size() == 2);
    assertThat(events)
        .extracting(e -> e.path("tool").asText())
        .containsExactlyInAnyOrder("ListAHORuns", "DeleteAHORunBatch");
    events.sort(Comparator.comparing(e -> e.path("tool").asText(), Comparator.reverseOrder()));
    JsonNode allowed = events.get(0);
    assertThat(allowed.path("decision").asText()).isEqualTo("allow");
    assertThat(allowed.path("outcome").asText()).isEqualTo("ok");
    assertThat(allowed.path("args").asText()).contains("[redacted]").doesNotContain("hunter2");
    assertThat(allowed.path("args_digest").asText()).hasSize(64);
    assertThat(allowed.path("upstream_ms").asText()).isNotEmpty();
    JsonNode denied = events.get(1);
    assertThat(denied.path("decision").asText()).isEqualTo("deny");
    assertThat(denied.path("rule_id").asText()).isEqualTo("tools.DeleteAHORunBatch");
    assertThat(denied.path("outcome").asText()).isEqualTo("answered_by_guard");
  }

  @Test
  void theChainVerifiesAndAnEditedRowIsNamed() throws Exception {
    // Given
    Instant from = Instant.now().minusSeconds(1);
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    for (int i = 0; i < 3; i++) {
      client.callTool("ListAHORuns", "{\"maxResults\":" + (i + 1) + "}");
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> seqsOfSession(client.session()).size() == 3);
    Instant to = Instant.now().plusSeconds(1);
    AuditChain.Verification intact = chain.verify(from, to);
    assertThat(intact.ok()).as("%s", intact).isTrue();
    long seq = seqsOfSession(client.session()).get(1);
    String original = column(seq, "reason");

    // When
    update(seq, "tampered");

    // Then
    AuditChain.Verification broken = chain.verify(from, to);
    assertThat(broken.ok()).isFalse();
    assertThat(broken.firstBrokenSeq()).isEqualTo(seq);
    String body =
        given()
            .auth()
            .preemptive()
            .basic("admin", "admin")
            .queryParam("from", from.toString())
            .queryParam("to", to.toString())
            .get("/api/audit/verify")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(JSON.readTree(body).path("firstBrokenSeq").asLong()).isEqualTo(seq);
    update(seq, original);
    assertThat(chain.verify(from, to).ok()).isTrue();
  }

  @Test
  void toolNamesAnAgentChoosesAreRecordedWholeBesideEveryOtherEvent() throws Exception {
    // Given: names no upstream has: one holds U+0000, which PostgreSQL's text refused together
    // with the rest of its batch; one is as long as the relay lets through
    Instant from = Instant.now().minusSeconds(1);
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    String longName = "x".repeat(256);

    // When
    client.callTool("List\\u0000AHORuns", "{}");
    client.callTool(longName, "{}");
    client.callTool("ListAHORuns", "{\"status\":\"RUN\\u0000NING\"}");

    // Then
    List<JsonNode> events =
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> eventsOfSession(client.session()), found -> found.size() == 3);
    assertThat(events)
        .extracting(e -> e.path("tool").asText())
        .containsExactlyInAnyOrder("List\\u0000AHORuns", longName, "ListAHORuns");
    JsonNode allowed =
        events.stream()
            .filter(e -> e.path("tool").asText().equals("ListAHORuns"))
            .findFirst()
            .get();
    assertThat(JSON.readTree(allowed.path("args").asText()).path("status").asText())
        .isEqualTo("RUN\0NING");
    AuditChain.Verification verified = chain.verify(from, Instant.now().plusSeconds(1));
    assertThat(verified.ok()).as("%s", verified).isTrue();
  }

  @Test
  void exportIsRfc4180CsvWithHeaderAndJsonLinesWithFilters() throws Exception {
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    client.callTool("GetAHORun", "{\"id\":\"run-0002\",\"note\":\"a \\\"quoted\\\", comma\"}");
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> eventsOfSession(client.session()).size() == 1);
    String csv =
        given()
            .auth()
            .preemptive()
            .basic("admin", "admin")
            .queryParam("format", "csv")
            .queryParam("tool", "GetAHORun")
            .get("/api/audit/export")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    List<CSVRecord> records =
        CSVFormat.RFC4180
            .builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .get()
            .parse(new StringReader(csv))
            .getRecords();
    assertThat(records)
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.get("tool")).isEqualTo("GetAHORun"));
    assertThat(records.get(records.size() - 1).get("args")).contains("a \\\"quoted\\\", comma");

    String jsonl =
        given()
            .auth()
            .preemptive()
            .basic("admin", "admin")
            .queryParam("format", "jsonl")
            .queryParam("decision", "allow")
            .get("/api/audit/export")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    for (String line : jsonl.split("\n")) {
      assertThat(JSON.readTree(line).path("decision").asText()).isEqualTo("allow");
    }
  }

  @Test
  void onlyAdminsMayExportAndTheExportIsAudited() throws Exception {
    given()
        .auth()
        .preemptive()
        .basic("reviewer", "reviewer")
        .get("/api/audit/export")
        .then()
        .statusCode(403);
    given()
        .auth()
        .preemptive()
        .basic("admin", "admin")
        .get("/api/audit/export?format=jsonl&agent=nobody")
        .then()
        .statusCode(200);
    assertThat(
            Rows.number(
                dataSource,
                "select count(*) from audit_event where kind = 'admin' and decision = 'audit exported' and reviewers like '%admin%'"))
        .isPositive();
  }

  @Test
  void eventsArePublishedToKafkaKeyedByAgent() throws Exception {
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    client.callTool("ListAHORuns", "{\"maxResults\":7}");
    Properties props = new Properties();
    props.put("bootstrap.servers", EmbeddedServices.infrastructure().kafka().bootstrapServers());
    props.put("group.id", "audit-test-" + UUID.randomUUID());
    props.put("auto.offset.reset", "earliest");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("airlock.audit"));
      List<ConsumerRecord<String, String>> mine = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (mine.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.value().contains(client.session())) {
            mine.add(record);
          }
        }
      }
      assertThat(mine).isNotEmpty();
      assertThat(mine.get(0).key()).isEqualTo("anonymous");
    }
  }

  @Test
  void retentionDeletesOldEventsAndTheRestStillVerifies() throws Exception {
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    client.callTool("ListAHORuns", "{}");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> publisher.backlog() == 0);
    Instant cutoff = Instant.now();
    client.callTool("ListAHORuns", "{\"maxResults\":3}");
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> eventsOfSession(client.session()).size() == 2);

    int deleted = retention.deleteOlderThan(cutoff);

    assertThat(deleted).isPositive();
    assertThat(chain.verify(null, null).ok()).isTrue();
    assertThat(eventsOfSession(client.session())).hasSize(1);
    assertThat(
            Rows.strings(
                dataSource,
                "select reason from audit_event where kind = 'admin' and decision = 'audit retention'"
                    + " and reviewers = '[\"system\"]' and channel = 'system' and at >= ?",
                Timestamp.from(cutoff)))
        .as("the retention run is itself an admin event")
        .containsExactly("deleted " + deleted + " events before " + cutoff);
  }

  private List<JsonNode> eventsOfSession(String session) throws Exception {
    String jsonl =
        given()
            .auth()
            .preemptive()
            .basic("admin", "admin")
            .queryParam("format", "jsonl")
            .get("/api/audit/export")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    List<JsonNode> events = new ArrayList<>();
    for (String line : jsonl.split("\n")) {
      JsonNode event = JSON.readTree(line);
      if (session.equals(event.path("session_id").asText())) {
        events.add(event);
      }
    }
    return events;
  }

  private List<Long> seqsOfSession(String session) throws Exception {
    return Rows.strings(
            dataSource, "select seq from audit_event where session_id = ? order by seq", session)
        .stream()
        .map(Long::valueOf)
        .toList();
  }

  private String column(long seq, String name) throws Exception {
    return Rows.strings(dataSource, "select " + name + " from audit_event where seq = ?", seq)
        .get(0);
  }

  private void update(long seq, String reason) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("update audit_event set reason = ? where seq = ?")) {
      s.setString(1, reason);
      s.setLong(2, seq);
      s.executeUpdate();
    }
  }
}
