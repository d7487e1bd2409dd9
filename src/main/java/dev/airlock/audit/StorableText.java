package dev.airlock.audit;

/**
 * Text as PostgreSQL can keep it. A text column cannot hold U+0000, which an agent can send (a tool
 * named {@code "a\\u0000b"} in JSON): one such value made the database refuse the audit batch it
 * was in, or the parking of its call. It is written as the six characters of its JSON escape, which
 * also shows reviewers a character they could not have seen. Kept values are compared in this form
 * too (an approval's tool), and events are hashed in it, so the chain verifies as stored. JSON text
 * (arguments, details) needs none of this: its serializer escapes the character.
 */
public final class StorableText {

  private StorableText() {}

  public static String of(String text) {
    return text == null || text.indexOf('\0') < 0 ? text : text.replace("\0", "\\u0000");
  }
}
