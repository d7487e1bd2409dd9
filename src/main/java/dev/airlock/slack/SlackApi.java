package dev.airlock.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.methods.response.chat.ChatUpdateResponse;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.View;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The Slack Web API calls Airlock makes, through the official SDK. All of them block: workers only.
 */
@ApplicationScoped
public class SlackApi {

  /** A Slack answer that was not ok. {@code retryAfterSeconds} > 0 on HTTP 429. */
  public static final class SlackFailure extends Exception {
    final int status;
    final long retryAfterSeconds;

    SlackFailure(String message, int status, long retryAfterSeconds) {
      super(message, null, false, false);
      this.status = status;
      this.retryAfterSeconds = retryAfterSeconds;
    }
  }

  @Inject SlackSettings settings;

  private volatile Slack sdk;
  private volatile MethodsClient client;

  /**
   * The SDK pointed at {@code airlock.slack.api-url}. Socket Mode uses it too, so its {@code
   * apps.connections.open} goes to the same Web API as every other call.
   */
  Slack sdk() {
    Slack current = sdk;
    if (current == null) {
      SlackConfig config = new SlackConfig();
      config.setMethodsEndpointUrlPrefix(
          settings.apiUrl().endsWith("/") ? settings.apiUrl() : settings.apiUrl() + "/");
      config.setProxyUrl(null);
      config.setPrettyResponseLoggingEnabled(false);
      // Airlock counts Slack errors itself; the SDK's own metrics would call auth.test with every
      // token, the app token included.
      config.setStatsEnabled(false);
      current = Slack.getInstance(config);
      sdk = current;
    }
    return current;
  }

  private MethodsClient client() {
    MethodsClient current = client;
    if (current == null) {
      current = sdk().methods(settings.botToken().orElse(""));
      client = current;
    }
    return current;
  }

  String post(String channel, String text, List<LayoutBlock> blocks) throws SlackFailure {
    ChatPostMessageResponse response =
        call(() -> client().chatPostMessage(r -> r.channel(channel).text(text).blocks(blocks)));
    if (!response.isOk()) {
      throw new SlackFailure("chat.postMessage: " + response.getError(), 200, 0);
    }
    return response.getTs();
  }

  void update(String channel, String ts, String text, List<LayoutBlock> blocks)
      throws SlackFailure {
    ChatUpdateResponse response =
        call(() -> client().chatUpdate(r -> r.channel(channel).ts(ts).text(text).blocks(blocks)));
    if (!response.isOk()) {
      throw new SlackFailure("chat.update: " + response.getError(), 200, 0);
    }
  }

  void ephemeral(String channel, String user, String text) throws SlackFailure {
    var response =
        call(() -> client().chatPostEphemeral(r -> r.channel(channel).user(user).text(text)));
    if (!response.isOk()) {
      throw new SlackFailure("chat.postEphemeral: " + response.getError(), 200, 0);
    }
  }

  void openModal(String triggerId, View view) throws SlackFailure {
    var response = call(() -> client().viewsOpen(r -> r.triggerId(triggerId).view(view)));
    if (!response.isOk()) {
      throw new SlackFailure("views.open: " + response.getError(), 200, 0);
    }
  }

  List<String> usergroupMembers(String usergroup) throws SlackFailure {
    var response = call(() -> client().usergroupsUsersList(r -> r.usergroup(usergroup)));
    if (!response.isOk()) {
      throw new SlackFailure("usergroups.users.list: " + response.getError(), 200, 0);
    }
    return response.getUsers();
  }

  private interface SlackCall<T> {
    T call() throws IOException, SlackApiException;
  }

  private static <T> T call(SlackCall<T> call) throws SlackFailure {
    try {
      return call.call();
    } catch (SlackApiException e) {
      int status = e.getResponse().code();
      long retryAfter =
          Optional.ofNullable(e.getResponse().header("Retry-After"))
              .map(Long::parseLong)
              .orElse(status == 429 ? 1L : 0L);
      throw new SlackFailure("Slack answered HTTP " + status, status, retryAfter);
    } catch (IOException e) {
      throw new SlackFailure("Slack unreachable: " + e.getMessage(), 0, 0);
    }
  }
}
