package dev.airlock.slack;

import static com.slack.api.model.block.Blocks.input;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.plainTextInput;
import static com.slack.api.model.view.Views.view;
import static com.slack.api.model.view.Views.viewClose;
import static com.slack.api.model.view.Views.viewSubmit;
import static com.slack.api.model.view.Views.viewTitle;

import com.fasterxml.jackson.databind.JsonNode;
import com.slack.api.model.view.View;
import dev.airlock.approval.ApprovalView;
import dev.airlock.approval.Approvals;
import dev.airlock.approval.Channel;
import dev.airlock.approval.DecisionCommand;
import dev.airlock.approval.DecisionResult;
import dev.airlock.approval.Reviewer;
import dev.airlock.logging.DecisionLog;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a Slack interaction payload ({@code block_actions}, {@code view_submission}) does, whichever
 * transport brought it: the HTTP endpoint after checking Slack's signature, or the Socket Mode
 * connection, which the app token authenticates. The payload's claims (approval id, user) are not
 * trusted: the request is looked up and the user's right to decide checked here, for both.
 */
@ApplicationScoped
public class SlackInteractionHandler {

  private static final DecisionLog LOG = DecisionLog.of(SlackInteractionHandler.class);

  @Inject Approvals approvals;
  @Inject SlackApprovers approvers;
  @Inject SlackApi slack;
  @Inject SlackOutbox outbox;
  @Inject Vertx vertx;

  /**
   * Handles the payload on a worker and returns at once: both transports must acknowledge within
   * Slack's 3 seconds, while deciding and calling Slack's Web API block.
   */
  public void handleLater(JsonNode payload) {
    String type = payload.path("type").asText();
    if (type.equals("block_actions")) {
      vertx.executeBlocking(
          () -> {
            onButton(payload);
            return null;
          },
          false);
    } else if (type.equals("view_submission")) {
      vertx.executeBlocking(
          () -> {
            onDenyReason(payload);
            return null;
          },
          false);
    }
  }

  private void onButton(JsonNode payload) {
    JsonNode action = payload.path("actions").path(0);
    String approvalId = action.path("value").asText();
    String user = payload.path("user").path("id").asText();
    String channel =
        payload
            .path("channel")
            .path("id")
            .asText(payload.path("container").path("channel_id").asText());
    try {
      Optional<ApprovalView> view = approvals.find(approvalId);
      if (view.isEmpty()) {
        slack.ephemeral(channel, user, "This approval request no longer exists.");
        return;
      }
      if (!approvers.mayDecide(user, view.get())) {
        slack.ephemeral(
            channel, user, "You are not an approver for this rule (" + view.get().ruleId() + ").");
        return;
      }
      if (view.get().status().isFinal()) {
        slack.ephemeral(channel, user, "Already decided: " + SlackMessages.outcome(view.get()));
        outbox.enqueueUpdate(view.get());
        return;
      }
      if (action.path("action_id").asText().equals("deny")) {
        slack.openModal(payload.path("trigger_id").asText(), denyModal(approvalId, channel));
        return;
      }
      decide(approvalId, payload, channel, DecisionCommand.Verb.APPROVE, null);
    } catch (SlackApi.SlackFailure e) {
      LOG.warn(approvalId, "Slack interaction could not be completed: %s", e.getMessage());
    }
  }

  private void onDenyReason(JsonNode payload) {
    JsonNode view = payload.path("view");
    String[] metadata = view.path("private_metadata").asText().split("\\|", 2);
    String reason =
        view.path("state")
            .path("values")
            .path("reason")
            .path("reason_input")
            .path("value")
            .asText(null);
    try {
      ApprovalView found = approvals.find(metadata[0]).orElse(null);
      if (found == null || !approvers.mayDecide(payload.path("user").path("id").asText(), found)) {
        return;
      }
      decide(
          metadata[0],
          payload,
          metadata.length > 1 ? metadata[1] : null,
          DecisionCommand.Verb.DENY,
          reason);
    } catch (SlackApi.SlackFailure e) {
      LOG.warn(metadata[0], "Slack deny could not be completed: %s", e.getMessage());
    }
  }

  private void decide(
      String approvalId, JsonNode payload, String channel, DecisionCommand.Verb verb, String reason)
      throws SlackApi.SlackFailure {
    JsonNode user = payload.path("user");
    String name = user.path("name").asText(user.path("username").asText(user.path("id").asText()));
    Reviewer reviewer = new Reviewer(user.path("id").asText(), name, Channel.SLACK, Set.of());
    DecisionResult result =
        approvals.decide(approvalId, reviewer, new DecisionCommand(verb, reason, null));
    if (result instanceof DecisionResult.AlreadyDecided already && channel != null) {
      slack.ephemeral(
          channel, reviewer.id(), "Already decided: " + SlackMessages.outcome(already.view()));
    } else if (result instanceof DecisionResult.NotAllowed notAllowed && channel != null) {
      slack.ephemeral(channel, reviewer.id(), notAllowed.why());
    }
  }

  private static View denyModal(String approvalId, String channel) {
    return view(
        v ->
            v.type("modal")
                .callbackId("deny_reason")
                .privateMetadata(approvalId + "|" + channel)
                .title(viewTitle(t -> t.type("plain_text").text("Deny the call")))
                .submit(viewSubmit(s -> s.type("plain_text").text("Deny")))
                .close(viewClose(c -> c.type("plain_text").text("Cancel")))
                .blocks(
                    List.of(
                        input(
                            i ->
                                i.blockId("reason")
                                    .optional(true)
                                    .label(plainText("Reason the agent will receive"))
                                    .element(
                                        plainTextInput(
                                            p -> p.actionId("reason_input").multiline(true)))))));
  }
}
