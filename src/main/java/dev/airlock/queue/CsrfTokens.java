package dev.airlock.queue;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens for the queue's forms: an HMAC of the signed-in reviewer and the hour, so a page from
 * another site cannot post a decision on the reviewer's behalf. Valid for the current and the
 * previous hour; checked in constant time.
 */
final class CsrfTokens {

  private final byte[] secret;

  CsrfTokens(String secret) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
  }

  String tokenFor(String reviewer) {
    return token(reviewer, Instant.now().getEpochSecond() / 3600);
  }

  boolean isValid(String reviewer, String token) {
    if (token == null) {
      return false;
    }
    long hour = Instant.now().getEpochSecond() / 3600;
    byte[] given = token.getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token(reviewer, hour).getBytes(StandardCharsets.UTF_8))
        || MessageDigest.isEqual(given, token(reviewer, hour - 1).getBytes(StandardCharsets.UTF_8));
  }

  private String token(String reviewer, long hour) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of()
          .formatHex(mac.doFinal((reviewer + "|" + hour).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
