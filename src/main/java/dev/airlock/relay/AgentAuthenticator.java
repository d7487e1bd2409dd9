package dev.airlock.relay;

import dev.airlock.guard.Caller;
import java.util.concurrent.CompletionStage;

/**
 * Turns the {@code Authorization} header of a request to {@code /mcp/*} into the calling agent.
 * Implemented by the grants capability (API keys, OIDC bearer tokens, or none).
 */
public interface AgentAuthenticator {

  /**
   * @param authorization the raw {@code Authorization} header, or null
   * @param upstream the upstream named in the URL
   */
  CompletionStage<Result> authenticate(String authorization, String upstream);

  /** The outcome: an agent, or a refusal with what the client must be told. */
  sealed interface Result {
    record Authenticated(Caller caller) implements Result {}

    /**
     * @param status 401 for missing/bad credentials, 403 for a grant that may not reach the
     *     upstream
     * @param wwwAuthenticate the {@code WWW-Authenticate} header value for a 401, or null
     */
    record Refused(int status, String wwwAuthenticate, String message) implements Result {}
  }
}
