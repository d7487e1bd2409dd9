package dev.airlock.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code policy.json} into a {@link Policy}, collecting every mistake with its JSON path
 * and line instead of stopping at the first. The format is documented in docs/policy.md.
 */
public final class PolicyParser {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Set<String> ROOT_KEYS =
      Set.of(
          "version",
          "description",
          "mode",
          "default",
          "tools",
          "risk_classes",
          "upstreams",
          "hide_denied_tools");
  private static final Set<String> SECTION_KEYS =
      Set.of("description", "default", "tools", "risk_classes");
  private static final Set<String> RULE_KEYS =
      Set.of("description", "action", "reason", "limits", "rules", "risk", "approval");
  private static final Set<String> DEFAULT_KEYS = Set.of("action", "reason", "approval", "limits");
  private static final Set<String> CONDITION_KEYS =
      Set.of("description", "when", "action", "reason", "approval");
  private static final Set<String> LIMIT_KEYS = Set.of("counter", "window", "max", "scope");
  private static final Set<String> APPROVAL_KEYS =
      Set.of(
          "reviewers",
          "slack_users",
          "slack_usergroup",
          "slack_channel",
          "quorum",
          "timeout",
          "on_timeout",
          "wait",
          "owner_may_approve",
          "redact");

  private final List<PolicyError> errors = new ArrayList<>();
  private final Map<String, JsonLocation> locations;
  private final Map<String, LimitRule> counters = new HashMap<>();

  private PolicyParser(Map<String, JsonLocation> locations) {
    this.locations = locations;
  }

  // Jackson names the input in a message's nested locations even when told not to
  // ("[Source: REDACTED (…); line: 1, column: 11]"): keep the line and column only.
  private static String withoutSource(String message) {
    return message.replaceAll("\\[Source: [^;]*; ", "[");
  }

  public static PolicyParseResult parse(String text) {
    JsonNode root;
    Map<String, JsonLocation> locations;
    try {
      root = JSON.readTree(text);
      locations = locate(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      return new PolicyParseResult.Invalid(
          List.of(
              new PolicyError(
                  "$",
                  at == null ? 0 : at.getLineNr(),
                  at == null ? 0 : at.getColumnNr(),
                  "not valid JSON: " + withoutSource(e.getOriginalMessage()))));
    } catch (IOException e) {
      return new PolicyParseResult.Invalid(List.of(new PolicyError("$", 0, 0, e.getMessage())));
    }
    if (root == null || root.isMissingNode()) {
      return new PolicyParseResult.Invalid(
          List.of(new PolicyError("$", 1, 1, "the document is empty")));
    }
    PolicyParser parser = new PolicyParser(locations);
    Policy policy = parser.policy(root);
    return parser.errors.isEmpty()
        ? new PolicyParseResult.Valid(policy)
        : new PolicyParseResult.Invalid(List.copyOf(parser.errors));
  }

  /** Maps each JSON pointer in the document to where its value starts. */
  private static Map<String, JsonLocation> locate(String text) throws IOException {
    Map<String, JsonLocation> locations = new HashMap<>();
    try (JsonParser parser = new JsonFactory().createParser(text)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
          continue;
        }
        locations.putIfAbsent(
            parser.getParsingContext().pathAsPointer().toString(), parser.currentTokenLocation());
      }
    }
    return locations;
  }

  // ---- document ---------------------------------------------------------------------------------

  private Policy policy(JsonNode root) {
    Path path = Path.ROOT;
    if (!root.isObject()) {
      error(path, "a policy is a JSON object");
      return null;
    }
    onlyKeys(root, path, ROOT_KEYS);
    String version = "1";
    if (root.has("version")) {
      version = root.get("version").asText();
      if (!root.get("version").isTextual() || !version.equals("1")) {
        error(path.field("version"), "version must be \"1\"");
      }
    }
    boolean enforce = true;
    if (root.has("mode")) {
      String mode = root.get("mode").asText();
      if (!mode.equals("enforce") && !mode.equals("monitor")) {
        error(path.field("mode"), "mode must be \"enforce\" or \"monitor\"");
      }
      enforce = !mode.equals("monitor");
    }
    Rule defaultRule =
        root.has("default")
            ? defaultRule(root.get("default"), path.field("default"), "default")
            : new Rule(
                "default",
                Action.DENY,
                "not named in the policy",
                List.of(),
                null,
                List.of(),
                null);
    List<ToolRule> tools = tools(root.get("tools"), path.field("tools"), "tools");
    Map<Risk, Rule> riskClasses =
        riskClasses(root.get("risk_classes"), path.field("risk_classes"), "risk_classes");
    Map<String, Policy.Section> upstreams = new LinkedHashMap<>();
    JsonNode sections = root.get("upstreams");
    if (sections != null) {
      Path sectionsPath = path.field("upstreams");
      if (!sections.isObject()) {
        error(sectionsPath, "upstreams must be an object of upstream name to section");
      } else {
        sections
            .fields()
            .forEachRemaining(
                entry ->
                    upstreams.put(
                        entry.getKey(),
                        section(
                            entry.getKey(), entry.getValue(), sectionsPath.field(entry.getKey()))));
      }
    }
    boolean hideDenied = true;
    if (root.has("hide_denied_tools")) {
      if (!root.get("hide_denied_tools").isBoolean()) {
        error(path.field("hide_denied_tools"), "hide_denied_tools must be true or false");
      }
      hideDenied = root.get("hide_denied_tools").asBoolean(true);
    }
    return new Policy(
        version,
        enforce,
        defaultRule,
        tools,
        riskClasses,
        Map.copyOf(upstreams),
        hideDenied,
        CanonicalJson.sha256(root));
  }

  private Policy.Section section(String name, JsonNode node, Path path) {
    String prefix = "upstreams." + name + ".";
    if (!node.isObject()) {
      error(path, "an upstream section is an object with default, tools and risk_classes");
      return new Policy.Section(prefix, Optional.empty(), List.of(), Map.of());
    }
    onlyKeys(node, path, SECTION_KEYS);
    Optional<Rule> defaultRule =
        node.has("default")
            ? Optional.ofNullable(
                defaultRule(node.get("default"), path.field("default"), prefix + "default"))
            : Optional.empty();
    return new Policy.Section(
        prefix,
        defaultRule,
        tools(node.get("tools"), path.field("tools"), prefix + "tools"),
        riskClasses(node.get("risk_classes"), path.field("risk_classes"), prefix + "risk_classes"));
  }

  private Rule defaultRule(JsonNode node, Path path, String id) {
    if (node.isTextual()) {
      Action action = action(node, path);
      if (action == null) {
        action = Action.DENY;
      } else if (action == Action.HIDE) {
        error(path, "default must be allow, deny or require_approval");
      }
      return new Rule(id, action, defaultReason(action), List.of(), null, List.of(), null);
    }
    if (!node.isObject()) {
      error(
          path, "default is \"allow\", \"deny\", \"require_approval\" or an object with an action");
      return null;
    }
    onlyKeys(node, path, DEFAULT_KEYS);
    Action action = node.has("action") ? action(node.get("action"), path.field("action")) : null;
    if (action == null) {
      error(path.field("action"), "default needs an action");
      action = Action.DENY;
    }
    return new Rule(
        id,
        action,
        text(node, "reason", path).orElse(defaultReason(action)),
        limits(node.get("limits"), path.field("limits")),
        approval(node.get("approval"), path.field("approval")),
        List.of(),
        null);
  }

  private static String defaultReason(Action action) {
    return action.denies() ? "not named in the policy" : null;
  }

  private List<ToolRule> tools(JsonNode node, Path path, String idPrefix) {
    List<ToolRule> tools = new ArrayList<>();
    if (node == null) {
      return tools;
    }
    if (!node.isObject()) {
      error(path, "tools must be an object of tool name (or pattern) to rule");
      return tools;
    }
    Iterator<Map.Entry<String, JsonNode>> entries = node.fields();
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> entry = entries.next();
      if (entry.getKey().isBlank()) {
        error(path.field(entry.getKey()), "a tool name cannot be empty");
        continue;
      }
      Rule rule =
          rule(entry.getValue(), path.field(entry.getKey()), idPrefix + "." + entry.getKey(), true);
      if (rule != null) {
        tools.add(new ToolRule(ToolPattern.of(entry.getKey()), rule));
      }
    }
    tools.sort(Policy.PRECEDENCE);
    return List.copyOf(tools);
  }

  private Map<Risk, Rule> riskClasses(JsonNode node, Path path, String idPrefix) {
    Map<Risk, Rule> classes = new EnumMap<>(Risk.class);
    if (node == null) {
      return classes;
    }
    if (!node.isObject()) {
      error(path, "risk_classes must be an object with keys low, medium, high");
      return classes;
    }
    node.fields()
        .forEachRemaining(
            entry -> {
              Optional<Risk> risk = risk(entry.getKey());
              if (risk.isEmpty()) {
                error(path.field(entry.getKey()), "risk class must be low, medium or high");
                return;
              }
              Rule rule =
                  rule(
                      entry.getValue(),
                      path.field(entry.getKey()),
                      idPrefix + "." + entry.getKey(),
                      false);
              if (rule != null) {
                classes.put(risk.get(), rule);
              }
            });
    return classes;
  }

  private Rule rule(JsonNode node, Path path, String id, boolean toolRule) {
    if (!node.isObject()) {
      error(path, "a rule is an object (e.g. {\"action\": \"allow\"})");
      return null;
    }
    onlyKeys(node, path, RULE_KEYS);
    if (!toolRule && node.has("risk")) {
      error(path.field("risk"), "risk can only be set on a tool");
    }
    // A tool named without an action is allowed (the seed format: limits alone mean "allow").
    Action action =
        node.has("action") ? action(node.get("action"), path.field("action")) : Action.ALLOW;
    Risk riskOverride = null;
    if (node.has("risk")) {
      riskOverride = risk(node.get("risk").asText()).orElse(null);
      if (riskOverride == null) {
        error(path.field("risk"), "risk must be low, medium or high");
      }
    }
    List<Rule.ConditionalRule> conditions = new ArrayList<>();
    JsonNode rules = node.get("rules");
    if (rules != null) {
      Path rulesPath = path.field("rules");
      if (!rules.isArray()) {
        error(rulesPath, "rules must be an array of {\"when\": \"<CEL>\", \"action\": ...}");
      } else {
        for (int i = 0; i < rules.size(); i++) {
          Rule.ConditionalRule conditional =
              conditional(rules.get(i), rulesPath.index(i), id + ".rules[" + i + "]");
          if (conditional != null) {
            conditions.add(conditional);
          }
        }
      }
    }
    return new Rule(
        id,
        action == null ? Action.DENY : action,
        text(node, "reason", path).orElse(null),
        limits(node.get("limits"), path.field("limits")),
        approval(node.get("approval"), path.field("approval")),
        List.copyOf(conditions),
        riskOverride);
  }

  private Rule.ConditionalRule conditional(JsonNode node, Path path, String id) {
    if (!node.isObject()) {
      error(path, "a conditional rule is an object with when and action");
      return null;
    }
    onlyKeys(node, path, CONDITION_KEYS);
    Condition condition = null;
    if (!node.path("when").isTextual()) {
      error(
          path.field("when"),
          "when must be a CEL expression string, e.g. \"size(args.runIds) > 10\"");
    } else {
      try {
        condition = Condition.compile(node.get("when").asText());
      } catch (IllegalArgumentException e) {
        error(path.field("when"), "invalid CEL expression: " + e.getMessage().replace('\n', ' '));
      }
    }
    Action action = node.has("action") ? action(node.get("action"), path.field("action")) : null;
    if (!node.has("action")) {
      error(path.field("action"), "a conditional rule needs an action");
    }
    if (condition == null || action == null) {
      return null;
    }
    return new Rule.ConditionalRule(
        id,
        condition,
        action,
        text(node, "reason", path).orElse(null),
        approval(node.get("approval"), path.field("approval")));
  }

  private List<LimitRule> limits(JsonNode node, Path path) {
    List<LimitRule> limits = new ArrayList<>();
    if (node == null) {
      return limits;
    }
    if (!node.isArray()) {
      error(path, "limits must be an array");
      return limits;
    }
    for (int i = 0; i < node.size(); i++) {
      JsonNode limit = node.get(i);
      Path at = path.index(i);
      if (!limit.isObject()) {
        error(at, "a limit is an object with counter, window, max and scope");
        continue;
      }
      onlyKeys(limit, at, LIMIT_KEYS);
      String counter = limit.path("counter").asText("");
      if (!limit.path("counter").isTextual() || counter.isBlank()) {
        error(at.field("counter"), "counter must be a non-empty name");
      }
      Duration window = null;
      if (!limit.has("window")) {
        error(
            at.field("window"),
            "window is required: second, minute, hour, day or a duration like \"90s\"");
      } else {
        window = duration(limit.get("window"), at.field("window"));
      }
      long max = limit.path("max").asLong(0);
      if (!limit.path("max").canConvertToLong()
          || !limit.path("max").isIntegralNumber()
          || max < 1) {
        error(at.field("max"), "max must be a whole number of at least 1");
      }
      LimitRule.Scope scope = LimitRule.Scope.GRANT;
      if (limit.has("scope")) {
        try {
          scope = LimitRule.Scope.valueOf(limit.get("scope").asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          error(at.field("scope"), "scope must be grant, session, agent or global");
        }
      }
      if (window == null || counter.isBlank() || max < 1) {
        continue;
      }
      LimitRule rule = new LimitRule(counter, window, max, scope);
      LimitRule earlier = counters.putIfAbsent(counter, rule);
      if (earlier != null && !earlier.equals(rule)) {
        error(
            at.field("counter"),
            "counter '"
                + counter
                + "' is shared, so every rule naming it must give the same window, max and scope");
      }
      limits.add(rule);
    }
    return List.copyOf(limits);
  }

  private ApprovalRule approval(JsonNode node, Path path) {
    if (node == null) {
      return null;
    }
    if (!node.isObject()) {
      error(path, "approval must be an object");
      return null;
    }
    onlyKeys(node, path, APPROVAL_KEYS);
    int quorum = node.path("quorum").asInt(1);
    if (node.has("quorum") && (!node.get("quorum").isIntegralNumber() || quorum < 1)) {
      error(path.field("quorum"), "quorum must be a whole number of at least 1");
    }
    Duration timeout =
        node.has("timeout")
            ? duration(node.get("timeout"), path.field("timeout"))
            : Duration.ofMinutes(15);
    ApprovalRule.TimeoutAction onTimeout = ApprovalRule.TimeoutAction.DENY;
    if (node.has("on_timeout")) {
      String value = node.get("on_timeout").asText();
      if (value.equals("approve")) {
        onTimeout = ApprovalRule.TimeoutAction.APPROVE;
      } else if (!value.equals("deny")) {
        error(path.field("on_timeout"), "on_timeout must be deny or approve");
      }
    }
    ApprovalRule.WaitMode wait = ApprovalRule.WaitMode.AUTO;
    if (node.has("wait")) {
      try {
        wait = ApprovalRule.WaitMode.valueOf(node.get("wait").asText().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        error(path.field("wait"), "wait must be auto, hold, task or retry");
      }
    }
    boolean ownerMayApprove = true;
    if (node.has("owner_may_approve")) {
      if (!node.get("owner_may_approve").isBoolean()) {
        error(path.field("owner_may_approve"), "owner_may_approve must be true or false");
      }
      ownerMayApprove = node.get("owner_may_approve").asBoolean(true);
    }
    List<String> redact = strings(node, "redact", path);
    for (int i = 0; i < redact.size(); i++) {
      if (!redact.get(i).startsWith("/")) {
        error(
            path.field("redact").index(i),
            "redact entries are JSON pointers such as \"/credentials/secret\"");
      }
    }
    return new ApprovalRule(
        strings(node, "reviewers", path),
        strings(node, "slack_users", path),
        text(node, "slack_usergroup", path).orElse(null),
        text(node, "slack_channel", path).orElse(null),
        Math.max(1, quorum),
        timeout == null ? Duration.ofMinutes(15) : timeout,
        onTimeout,
        wait,
        ownerMayApprove,
        redact);
  }

  // ---- values -----------------------------------------------------------------------------------

  private Action action(JsonNode node, Path path) {
    Optional<Action> action = node.isTextual() ? Action.parse(node.asText()) : Optional.empty();
    if (action.isEmpty()) {
      error(path, "action must be allow, deny, hide or require_approval");
      return null;
    }
    return action.get();
  }

  private static Optional<Risk> risk(String text) {
    try {
      return Optional.of(Risk.valueOf(text.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * second/minute/hour/day, an ISO-8601 duration (PT90S), or a short one (500ms, 90s, 5m, 2h, 1d).
   */
  private Duration duration(JsonNode node, Path path) {
    String text = node.asText("").trim();
    Duration named =
        switch (text) {
          case "second" -> Duration.ofSeconds(1);
          case "minute" -> Duration.ofMinutes(1);
          case "hour" -> Duration.ofHours(1);
          case "day" -> Duration.ofDays(1);
          default -> null;
        };
    if (named != null) {
      return named;
    }
    Matcher matcher = SHORT_DURATION.matcher(text);
    Duration parsed = null;
    if (node.isTextual() && matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      parsed =
          switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
          };
    } else if (node.isTextual()) {
      try {
        parsed = Duration.parse(text);
      } catch (DateTimeParseException e) {
        parsed = null;
      }
    }
    if (parsed == null || parsed.isZero() || parsed.isNegative()) {
      error(
          path,
          "'"
              + text
              + "' is not a duration: use second, minute, hour, day, 90s, 5m, 2h, 1d or PT90S");
      return null;
    }
    return parsed;
  }

  private Optional<String> text(JsonNode node, String field, Path path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      error(path.field(field), field + " must be a string");
      return Optional.empty();
    }
    return Optional.of(value.asText());
  }

  private List<String> strings(JsonNode node, String field, Path path) {
    JsonNode value = node.get(field);
    if (value == null) {
      return List.of();
    }
    if (!value.isArray()) {
      error(path.field(field), field + " must be an array of strings");
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      if (!value.get(i).isTextual()) {
        error(path.field(field).index(i), "must be a string");
      } else {
        out.add(value.get(i).asText());
      }
    }
    return List.copyOf(out);
  }

  private void onlyKeys(JsonNode node, Path path, Set<String> allowed) {
    node.fieldNames()
        .forEachRemaining(
            name -> {
              if (!allowed.contains(name)) {
                error(
                    path.field(name),
                    "unknown field '" + name + "'; expected one of " + new TreeSet<>(allowed));
              }
            });
  }

  private void error(Path path, String message) {
    JsonLocation at = locations.get(path.pointer());
    errors.add(
        new PolicyError(
            path.jsonPath(),
            at == null ? 0 : at.getLineNr(),
            at == null ? 0 : at.getColumnNr(),
            message));
  }

  /** A position in the document, as a JSON pointer (for lookup) and a JSONPath (for people). */
  private record Path(String pointer, String jsonPath) {
    static final Path ROOT = new Path("", "$");

    Path field(String name) {
      String escaped = name.replace("~", "~0").replace("/", "~1");
      boolean plain = name.matches("[A-Za-z_][A-Za-z0-9_]*");
      return new Path(
          pointer + "/" + escaped,
          jsonPath + (plain ? "." + name : "['" + name.replace("'", "\\'") + "']"));
    }

    Path index(int i) {
      return new Path(pointer + "/" + i, jsonPath + "[" + i + "]");
    }
  }
}
