package dev.airlock.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash of an audit event: SHA-256 over the previous event's hash and every stored field, each
 * length-prefixed so no two different events can serialize alike.
 */
final class ChainHash {

  static final String GENESIS = "0".repeat(64);

  private ChainHash() {}

  static String of(String previousHash, String... fields) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      update(digest, previousHash);
      for (String field : fields) {
        update(digest, field);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void update(MessageDigest digest, String field) {
    if (field == null) {
      digest.update((byte) 0);
      return;
    }
    byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
    digest.update((byte) 1);
    digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    digest.update(bytes);
  }
}
