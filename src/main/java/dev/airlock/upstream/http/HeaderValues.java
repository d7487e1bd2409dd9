package dev.airlock.upstream.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Resolves {@code ${env:NAME}} in configured upstream headers, so secrets stay in the env. */
final class HeaderValues {

  private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

  private HeaderValues() {}

  static Map<String, String> resolve(Map<String, String> configured) {
    Map<String, String> resolved = new LinkedHashMap<>();
    configured.forEach((header, value) -> resolved.put(header, resolve(value, System.getenv())));
    return resolved;
  }

  static String resolve(String value, Map<String, String> env) {
    Matcher matcher = ENV.matcher(value);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      String replacement = env.get(name);
      if (replacement == null) {
        throw new IllegalStateException("Environment variable " + name + " is not set");
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
