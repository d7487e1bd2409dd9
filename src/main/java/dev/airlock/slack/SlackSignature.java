package dev.airlock.slack;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a request as Slack signs it: {@code v0=} HMAC-SHA256 of {@code v0:{timestamp}:{raw body}}
 * with the signing secret, a timestamp within five minutes either way (the SDK's verifier accepts
 * future ones), a constant-time comparison, and no exact replay within the window.
 */
final class SlackSignature {

  static final Duration MAX_SKEW = Duration.ofMinutes(5);

  private final byte[] secret;
  private final Map<String, Instant> seen = new ConcurrentHashMap<>();

  SlackSignature(String signingSecret) {
    this.secret = signingSecret.getBytes(StandardCharsets.UTF_8);
  }

  static String sign(String secret, String timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "v0="
          + HexFormat.of()
              .formatHex(
                  mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Null when the request is genuine and fresh, else why not. */
  String refusal(String timestamp, String signature, String body, Instant now) {
    if (timestamp == null || signature == null) {
      return "missing X-Slack-Request-Timestamp or X-Slack-Signature";
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return "malformed timestamp";
    }
    if (Math.abs(now.getEpochSecond() - seconds) > MAX_SKEW.toSeconds()) {
      return "timestamp outside five minutes of now";
    }
    String expected = sign(new String(secret, StandardCharsets.UTF_8), timestamp, body);
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8))) {
      return "signature does not match";
    }
    seen.entrySet().removeIf(e -> e.getValue().isBefore(now.minus(MAX_SKEW.multipliedBy(2))));
    if (seen.putIfAbsent(signature, now) != null) {
      return "replayed request";
    }
    return null;
  }
}
