package dev.airlock.configdoc;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every {@code airlock.*} configuration key the code reads: derived from the compiled
 * {@code @ConfigMapping} interfaces and {@code @ConfigProperty} injection points, plus the keys set
 * in application.properties. Maps appear with a {@code <name>} segment.
 */
public final class ConfigurationKeys {

  private ConfigurationKeys() {}

  public static Set<String> all() throws IOException {
    Set<String> keys = new TreeSet<>();
    Path classes = Path.of("target/classes");
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        String name =
            classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
        Class<?> type;
        try {
          type = Class.forName(name, false, ConfigurationKeys.class.getClassLoader());
        } catch (Throwable e) {
          continue;
        }
        ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
        if (mapping != null) {
          collect(type, mapping.prefix(), keys);
        }
        try {
          for (var field : type.getDeclaredFields()) {
            ConfigProperty property = field.getAnnotation(ConfigProperty.class);
            if (property != null && property.name().startsWith("airlock.")) {
              keys.add(property.name());
            }
          }
        } catch (Throwable ignored) {
          // classes that cannot be introspected read no configuration
        }
      }
    }
    for (String line : Files.readAllLines(Path.of("src/main/resources/application.properties"))) {
      String trimmed = line.trim();
      if (trimmed.isEmpty() || trimmed.startsWith("#") || !trimmed.contains("=")) {
        continue;
      }
      String key = trimmed.substring(0, trimmed.indexOf('=')).replaceFirst("^%[a-z]+\\.", "");
      if (key.startsWith("airlock.")) {
        keys.add(key);
      }
    }
    return keys;
  }

  private static void collect(Class<?> type, String prefix, Set<String> keys) {
    for (Method method : type.getDeclaredMethods()) {
      if (method.getParameterCount() != 0
          || method.isDefault()
          || Modifier.isStatic(method.getModifiers())) {
        continue;
      }
      String key =
          method.isAnnotationPresent(WithParentName.class)
              ? prefix
              : prefix + "." + kebab(method.getName());
      Class<?> returned = method.getReturnType();
      if (returned == Map.class) {
        var valueType =
            ((ParameterizedType) method.getGenericReturnType()).getActualTypeArguments()[1];
        if (valueType instanceof Class<?> value
            && value.isInterface()
            && value.getName().startsWith("dev.airlock")) {
          collect(value, key + ".<name>", keys);
        } else {
          keys.add(key + ".<name>");
        }
      } else if (returned.isInterface() && returned.getName().startsWith("dev.airlock")) {
        collect(returned, key, keys);
      } else {
        keys.add(key);
      }
    }
  }

  static String kebab(String name) {
    return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  /**
   * The environment variable that sets a key ({@code airlock.policy.path} → AIRLOCK_POLICY_PATH).
   */
  public static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }
}
