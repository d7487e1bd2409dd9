package dev.airlock.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** The reviewers' REST API of one replica, as the benchmarks use it (basic auth, local users). */
final class ReviewerApi {

  /** A recorded decision: the approval as returned, and when the API call returned. */
  record Decision(int status, JsonNode view, long returnedAtMicros) {

    /** The decision time Airlock stored with the approval, epoch microseconds. */
    long decidedAtMicros() {
      return micros(view.path("decidedAt"));
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AUTH =
      "Basic " + Base64.getEncoder().encodeToString("reviewer:reviewer".getBytes());

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** Pending approvals of a tool, oldest first (at most 1,000, the API's page limit). */
  List<JsonNode> pending(String baseUrl, String tool, int limit) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        baseUrl + "/api/approvals?status=PENDING&tool=" + tool + "&limit=" + limit))
                .header("Authorization", AUTH)
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("list: HTTP " + response.statusCode() + response.body());
    }
    List<JsonNode> views = new ArrayList<>();
    JSON.readTree(response.body()).forEach(views::add);
    return views;
  }

  Decision approve(String baseUrl, String id) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(baseUrl + "/api/approvals/" + id + "/decision"))
                .header("Authorization", AUTH)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"decision\":\"approve\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    long returned = BenchUpstream.epochMicros();
    return new Decision(response.statusCode(), JSON.readTree(response.body()), returned);
  }

  /** An Instant as Jackson writes it: ISO-8601 text, or decimal epoch seconds. */
  static long micros(JsonNode time) {
    if (time.isNumber()) {
      BigDecimal seconds = time.decimalValue();
      return seconds.movePointRight(6).longValue();
    }
    Instant instant = Instant.parse(time.asText());
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
  }
}
