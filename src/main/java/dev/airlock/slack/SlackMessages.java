package dev.airlock.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.ConfirmationDialogObject;
import dev.airlock.approval.ApprovalView;
import dev.airlock.approval.Channel;
import dev.airlock.approval.ReviewView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Block Kit for a parked call: what reviewers see in Slack, before and after the outcome. */
final class SlackMessages {

  static final int MAX_ARGUMENT_CHARS = 2500;
  static final int MAX_ARGUMENT_LINES = 40;
  private static final ObjectMapper PRETTY =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SlackMessages() {}

  static String fallbackText(ApprovalView view) {
    return view.tool()
        + " on "
        + view.upstream()
        + " needs approval ("
        + view.id().substring(0, 8)
        + ")";
  }

  static List<LayoutBlock> blocks(ApprovalView view, String queueBaseUrl) {
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(header(h -> h.text(plainText(view.tool() + " on " + view.upstream()))));
    blocks.add(
        section(
            s ->
                s.fields(
                    List.of(
                        markdownText(
                            "*Agent*\n"
                                + view.agent()
                                + " (owner "
                                + (view.owner() == null ? "unknown" : view.owner())
                                + ")"),
                        markdownText("*Risk*\n" + view.risk()),
                        markdownText("*Rule*\n`" + view.ruleId() + "`"),
                        markdownText(
                            "*Reason*\n" + (view.ruleReason() == null ? "—" : view.ruleReason())),
                        markdownText(
                            "*Expires*\n<!date^"
                                + view.expiresAt().getEpochSecond()
                                + "^{date_short_pretty} {time}|"
                                + view.expiresAt()
                                + ">"),
                        markdownText("*Approvals*\n" + progress(view))))));
    blocks.add(section(s -> s.text(markdownText("```" + truncatedArguments(view) + "```"))));
    blocks.add(
        context(
            c ->
                c.elements(
                    List.of(
                        markdownText(
                            "<"
                                + queueBaseUrl
                                + "/queue/"
                                + view.id()
                                + "|Open the full request in the web queue> · id `"
                                + view.id()
                                + "`")))));
    if (!view.status().isFinal()) {
      blocks.add(
          actions(
              a ->
                  a.blockId("decision")
                      .elements(
                          List.of(
                              button(
                                  b ->
                                      b.actionId("approve")
                                          .text(plainText("Approve"))
                                          .style("primary")
                                          .value(view.id())),
                              button(
                                  b ->
                                      b.actionId("deny")
                                          .text(plainText("Deny"))
                                          .style("danger")
                                          .value(view.id())
                                          .confirm(
                                              ConfirmationDialogObject.builder()
                                                  .title(plainText("Deny this call?"))
                                                  .text(
                                                      markdownText(
                                                          "The agent will receive your reason instead of a result."))
                                                  .confirm(plainText("Deny"))
                                                  .deny(plainText("Cancel"))
                                                  .build()))))));
    } else {
      blocks.add(section(s -> s.text(markdownText(outcome(view)))));
    }
    return blocks;
  }

  static String progress(ApprovalView view) {
    long approvals = view.reviews().stream().filter(r -> r.decision().equals("approve")).count();
    StringBuilder text = new StringBuilder(approvals + " of " + view.quorum() + " approvals");
    List<String> who = new ArrayList<>();
    for (ReviewView review : view.reviews()) {
      if (review.decision().equals("approve")) {
        who.add(mention(review));
      }
    }
    if (!who.isEmpty()) {
      text.append(": ").append(String.join(", ", who));
    }
    return text.toString();
  }

  static String outcome(ApprovalView view) {
    String status = view.status().name().toLowerCase(Locale.ROOT);
    String icon =
        switch (view.status()) {
          case APPROVED -> ":white_check_mark:";
          case DENIED -> ":no_entry:";
          case EXPIRED -> ":hourglass:";
          default -> ":heavy_multiplication_x:";
        };
    String by = view.decidedBy() == null ? "" : " by " + decider(view);
    String reason =
        view.decisionReason() == null || view.decisionReason().isBlank()
            ? ""
            : "\n> " + view.decisionReason();
    return icon
        + " *"
        + status
        + "*"
        + by
        + " via "
        + view.decidedVia()
        + " at <!date^"
        + view.decidedAt().getEpochSecond()
        + "^{time}|"
        + view.decidedAt()
        + ">"
        + reason;
  }

  private static String decider(ApprovalView view) {
    for (ReviewView review : view.reviews()) {
      if (review.reviewerName() != null
          && review.reviewerName().equals(view.decidedBy())
          && review.channel() == Channel.SLACK) {
        return "<@" + review.reviewerId() + ">";
      }
    }
    return view.decidedBy();
  }

  private static String mention(ReviewView review) {
    return review.channel() == Channel.SLACK
        ? "<@" + review.reviewerId() + ">"
        : review.reviewerName();
  }

  static String truncatedArguments(ApprovalView view) {
    String pretty;
    try {
      pretty = PRETTY.writeValueAsString(view.arguments());
    } catch (Exception e) {
      pretty = String.valueOf(view.arguments());
    }
    String[] lines = pretty.split("\n");
    boolean cut = false;
    if (lines.length > MAX_ARGUMENT_LINES) {
      pretty = String.join("\n", Arrays.copyOf(lines, MAX_ARGUMENT_LINES));
      cut = true;
    }
    if (pretty.length() > MAX_ARGUMENT_CHARS) {
      pretty = pretty.substring(0, MAX_ARGUMENT_CHARS);
      cut = true;
    }
    return pretty.replace("```", "'''") + (cut ? "\n… truncated, see the web queue" : "");
  }
}
