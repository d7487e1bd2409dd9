package dev.airlock.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.airlock.approval.ApprovalView;
import io.quarkus.qute.TemplateExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** View logic for the queue's templates. */
@TemplateExtension
public final class QueueViews {

  private static final ObjectMapper PRETTY =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private QueueViews() {}

  static String riskClass(ApprovalView view) {
    return "risk-" + (view.risk() == null ? "medium" : view.risk().toLowerCase(Locale.ROOT));
  }

  static String shortId(ApprovalView view) {
    return view.id().substring(0, 8);
  }

  static String age(ApprovalView view) {
    return human(Duration.between(view.requestedAt(), Instant.now()));
  }

  static long expiresInSeconds(ApprovalView view) {
    return Math.max(0, Duration.between(Instant.now(), view.expiresAt()).toSeconds());
  }

  static long expiresAtMillis(ApprovalView view) {
    return view.expiresAt().toEpochMilli();
  }

  static String timeToDecision(ApprovalView view) {
    return view.decidedAt() == null
        ? ""
        : human(Duration.between(view.requestedAt(), view.decidedAt()));
  }

  static String statusText(ApprovalView view) {
    return view.status().name().toLowerCase(Locale.ROOT);
  }

  static String prettyArguments(ApprovalView view) {
    return pretty(view.arguments());
  }

  static String prettyEdited(ApprovalView view) {
    return view.editedArguments() == null ? "" : pretty(view.editedArguments());
  }

  static String pretty(JsonNode node) {
    try {
      return PRETTY.writeValueAsString(node);
    } catch (Exception e) {
      return String.valueOf(node);
    }
  }

  private static String human(Duration duration) {
    long seconds = Math.max(0, duration.toSeconds());
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3600) {
      return seconds / 60 + " min";
    }
    return seconds / 3600 + " h " + (seconds % 3600) / 60 + " min";
  }
}
