package dev.airlock.policy;

import java.util.regex.Pattern;

/**
 * A tool name or a glob over tool names ({@code Delete*}, {@code *Batch}, {@code Get?Run}). An
 * exact name beats any pattern; between patterns, more literal characters win.
 */
public record ToolPattern(String text, Pattern regex, boolean exact, int literalChars) {

  public static ToolPattern of(String text) {
    boolean exact = text.indexOf('*') < 0 && text.indexOf('?') < 0;
    StringBuilder regex = new StringBuilder();
    int literal = 0;
    for (char c : text.toCharArray()) {
      if (c == '*') {
        regex.append(".*");
      } else if (c == '?') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
        literal++;
      }
    }
    return new ToolPattern(text, Pattern.compile(regex.toString()), exact, literal);
  }

  public boolean matches(String tool) {
    return exact ? text.equals(tool) : regex.matcher(tool).matches();
  }
}
