package dev.airlock.slack;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

@ConfigMapping(prefix = "airlock.slack")
public interface SlackSettings {

  @WithDefault("false")
  boolean enabled();

  /** The bot token ({@code xoxb-…}); from the environment, never logged. */
  Optional<String> botToken();

  /** The app's signing secret; from the environment, never logged. */
  Optional<String> signingSecret();

  /**
   * How Slack delivers button clicks and modal submissions: {@code http} posts them to {@code
   * /slack/interactions} (needs ingress), {@code socket} has Airlock open an outbound Socket Mode
   * WebSocket (for clusters without ingress).
   */
  @WithDefault("http")
  Mode mode();

  /**
   * The app-level token ({@code xapp-…}, scope {@code connections:write}) Socket Mode connects
   * with; from the environment, never logged.
   */
  Optional<String> appToken();

  /** Base of the Slack Web API (tests and air-gapped proxies point elsewhere). */
  @WithDefault("https://slack.com/api/")
  String apiUrl();

  /** Channel used when no upstream, rule or risk channel applies. */
  Optional<String> defaultChannel();

  /** Channel per upstream name. */
  Map<String, String> upstreamChannels();

  /** Channel per policy rule id. */
  Map<String, String> ruleChannels();

  /** Channel per risk class (low, medium, high). */
  Map<String, String> riskChannels();

  /** Slack user IDs that may decide when a rule names no Slack approvers. Empty: nobody. */
  Optional<List<String>> approvers();

  /** Base URL of the web queue, for "open in the queue" links. */
  @WithDefault("http://localhost:8080")
  String queueBaseUrl();

  /** Delivery attempts before a message is given up (logged once, counted). */
  @WithDefault("8")
  int maxAttempts();

  /** Minimum gap between two messages to one channel (Slack allows about one per second). */
  @WithDefault("1s")
  Duration channelPace();

  /** How long a user group's members are cached. */
  @WithDefault("5m")
  Duration usergroupCacheTtl();

  /** The transport Slack interactions arrive over. */
  enum Mode {
    HTTP,
    SOCKET
  }
}
