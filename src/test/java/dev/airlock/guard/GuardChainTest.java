package dev.airlock.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class GuardChainTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void runsGuardsInDeclaredOrderWhateverTheDiscoveryOrder() {
    // Given
    List<String> seen = new ArrayList<>();
    GuardChain chain =
        new GuardChain(List.of(recording("approval", seen), recording("policy", seen)));

    // When
    Verdict verdict = chain.onToolCall(call(), new NoContext()).toCompletableFuture().join();

    // Then
    assertThat(seen).containsExactly("policy", "approval");
    assertThat(verdict).isInstanceOf(Verdict.Forward.class);
  }

  @Test
  void respondStopsTheChain() {
    // Given
    List<String> seen = new ArrayList<>();
    ObjectNode denial = JSON.createObjectNode().put("isError", true);
    Guard deny =
        new Guard() {
          public String name() {
            return "policy";
          }

          public CompletionStage<Verdict> onToolCall(ToolCall call, GuardContext context) {
            seen.add("policy");
            return CompletableFuture.completedFuture(Verdict.respond(denial));
          }
        };
    GuardChain chain = new GuardChain(List.of(deny, recording("approval", seen)));

    // When
    Verdict verdict = chain.onToolCall(call(), new NoContext()).toCompletableFuture().join();

    // Then
    assertThat(seen).containsExactly("policy");
    assertThat(verdict).isEqualTo(new Verdict.Respond(denial));
  }

  @Test
  void forwardedCallIsWhatTheNextGuardSees() {
    // Given
    ObjectNode edited = JSON.createObjectNode().put("runIds", "r-1");
    List<ToolCall> seenByApproval = new ArrayList<>();
    Guard rewrite =
        new Guard() {
          public String name() {
            return "policy";
          }

          public CompletionStage<Verdict> onToolCall(ToolCall call, GuardContext context) {
            return CompletableFuture.completedFuture(Verdict.forward(call.withArguments(edited)));
          }
        };
    Guard capture =
        new Guard() {
          public String name() {
            return "approval";
          }

          public CompletionStage<Verdict> onToolCall(ToolCall call, GuardContext context) {
            seenByApproval.add(call);
            return CompletableFuture.completedFuture(Verdict.forward(call));
          }
        };

    // When
    Verdict verdict =
        new GuardChain(List.of(capture, rewrite))
            .onToolCall(call(), new NoContext())
            .toCompletableFuture()
            .join();

    // Then
    assertThat(seenByApproval.get(0).arguments()).isEqualTo(edited);
    assertThat(((Verdict.Forward) verdict).call().params().get("arguments")).isEqualTo(edited);
  }

  @Test
  void aThrowingGuardFailsTheStageInsteadOfForwarding() {
    // Given
    Guard broken =
        new Guard() {
          public String name() {
            return "policy";
          }

          public CompletionStage<Verdict> onToolCall(ToolCall call, GuardContext context) {
            throw new IllegalStateException("boom");
          }
        };

    // When
    CompletableFuture<Verdict> result =
        new GuardChain(List.of(broken)).onToolCall(call(), new NoContext()).toCompletableFuture();

    // Then
    assertThat(result).isCompletedExceptionally();
  }

  @Test
  void unknownGuardNameIsRefusedAtStart() {
    assertThatThrownBy(() -> new GuardChain(List.of(recording("mystery", new ArrayList<>()))))
        .hasMessageContaining("mystery");
  }

  private static Guard recording(String name, List<String> seen) {
    return new Guard() {
      public String name() {
        return name;
      }

      public CompletionStage<Verdict> onToolCall(ToolCall call, GuardContext context) {
        seen.add(name);
        return CompletableFuture.completedFuture(Verdict.forward(call));
      }
    };
  }

  private static ToolCall call() {
    ObjectNode params = JSON.createObjectNode().put("name", "ListAHORuns");
    ObjectNode arguments = params.putObject("arguments");
    return new ToolCall(
        "demo", "s-1", Caller.ANONYMOUS, "ListAHORuns", arguments, params, null, "2025-11-25");
  }

  private static final class NoContext implements GuardContext {
    public void holdOpen() {}

    public boolean wantsProgress() {
      return false;
    }

    public void progress(String message) {}

    public void notifyClient(ObjectNode notification) {}

    public void onWithdrawn(Runnable action) {}

    public CompletionStage<ObjectNode> callUpstream(ToolCall call) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException());
    }

    public <T> void put(Class<T> type, T value) {}

    public <T> Optional<T> get(Class<T> type) {
      return Optional.empty();
    }
  }
}
