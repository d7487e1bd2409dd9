package dev.airlock.grants;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Agent keys: {@code alk_} and 40 base62 characters (~238 bits); stored only as SHA-256. */
final class ApiKeys {

  static final String PREFIX = "alk_";
  private static final String ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {}

  static String generate() {
    StringBuilder key = new StringBuilder(PREFIX);
    for (int i = 0; i < 40; i++) {
      key.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return key.toString();
  }

  static String hash(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What may be shown of a key: its first characters. */
  static String displayPrefix(String key) {
    return key.substring(0, Math.min(key.length(), 10));
  }
}
