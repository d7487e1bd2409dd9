package dev.airlock.approval;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A reviewer's decision as any channel submits it.
 *
 * @param editedArguments for edit-and-approve: the corrected arguments, or null
 */
public record DecisionCommand(Verb verb, String reason, ObjectNode editedArguments) {

  public enum Verb {
    APPROVE,
    DENY
  }
}
