package dev.airlock.guard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.concurrent.CompletionStage;

/** One concern on the path of a {@code tools/call}: policy, rate limits, approval. */
public interface Guard {

  /** The guard's place in the chain; {@link GuardChain#ORDER} lists the known names. */
  String name();

  /** Decides what happens to a call; see the package documentation for the contract. */
  CompletionStage<Verdict> onToolCall(ToolCall call, GuardContext context);

  /**
   * Rewrites the {@code tools} array of a {@code tools/list} result on its way to the client: hide
   * tools, mark the ones that need approval. The default leaves it unchanged.
   */
  default ArrayNode onToolsList(ToolListing listing, ArrayNode tools) {
    return tools;
  }
}
