package dev.airlock.slack;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Sends interaction payloads shaped like Slack's, signed like Slack signs them. */
final class SlackInteractionClient {

  static final String SECRET = "test-signing-secret";

  static String buttonPayload(String actionId, String approvalId, String userId, String userName) {
    return "{\"type\":\"block_actions\",\"team\":{\"id\":\"T1\",\"domain\":\"acme\"},"
        + "\"user\":{\"id\":\""
        + userId
        + "\",\"username\":\""
        + userName
        + "\",\"name\":\""
        + userName
        + "\",\"team_id\":\"T1\"},"
        + "\"api_app_id\":\"A1\",\"token\":\"legacy\",\"container\":{\"type\":\"message\",\"message_ts\":\"1700000000.1001\",\"channel_id\":\"C0APPROVALS\",\"is_ephemeral\":false},"
        + "\"trigger_id\":\"1234.5678.abcd\",\"channel\":{\"id\":\"C0APPROVALS\",\"name\":\"approvals\"},"
        + "\"message\":{\"type\":\"message\",\"ts\":\"1700000000.1001\"},\"response_url\":\"https://hooks.slack.com/actions/T1/1/x\","
        + "\"actions\":[{\"action_id\":\""
        + actionId
        + "\",\"block_id\":\"decision\",\"text\":{\"type\":\"plain_text\",\"text\":\""
        + actionId
        + "\"},"
        + "\"value\":\""
        + approvalId
        + "\",\"type\":\"button\",\"action_ts\":\"1700000001.1\"}]}";
  }

  static String denySubmission(String approvalId, String userId, String reason) {
    return "{\"type\":\"view_submission\",\"team\":{\"id\":\"T1\"},\"user\":{\"id\":\""
        + userId
        + "\",\"username\":\"ana\",\"name\":\"ana\"},"
        + "\"view\":{\"id\":\"V1\",\"type\":\"modal\",\"callback_id\":\"deny_reason\",\"private_metadata\":\""
        + approvalId
        + "|C0APPROVALS\","
        + "\"state\":{\"values\":{\"reason\":{\"reason_input\":{\"type\":\"plain_text_input\",\"value\":\""
        + reason
        + "\"}}}}}}";
  }

  static Response send(String payload) {
    return send(payload, Instant.now().getEpochSecond(), SECRET);
  }

  static Response send(String payload, long timestamp, String secret) {
    String body = "payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8);
    return sendRaw(
        body,
        Long.toString(timestamp),
        SlackSignature.sign(secret, Long.toString(timestamp), body));
  }

  static Response sendRaw(String body, String timestamp, String signature) {
    return given()
        .contentType("application/x-www-form-urlencoded; charset=utf-8")
        .header("X-Slack-Request-Timestamp", timestamp)
        .header("X-Slack-Signature", signature)
        .body(body)
        .post("/slack/interactions");
  }
}
