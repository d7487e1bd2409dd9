package dev.airlock.approval;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "airlock.approval")
public interface ApprovalConfig {

  /**
   * In {@code auto} mode, how long a call without a task is held before the agent is told to retry
   * (below common client timeouts: the TypeScript SDK gives up after 60 s).
   */
  @WithDefault("50s")
  Duration holdBudget();

  /** How often a held call reports progress (and keeps its SSE stream alive). */
  @WithDefault("10s")
  Duration progressInterval();

  /** How long after approval an identical retry may still claim the approval. */
  @WithDefault("10m")
  Duration retryValidity();

  /** How often this replica checks the database for decisions on the calls it holds. */
  @WithDefault("1s")
  Duration pollInterval();

  /**
   * How often the database check covers every held call rather than the decisions recorded since
   * the last check: the safety net for a replica whose clock is off by more than the check's
   * margin.
   */
  @WithDefault("1m")
  Duration fullCheckInterval();

  /**
   * How often the outbox is checked for rows not yet published. A transaction that writes to it
   * publishes right after it commits; this catches up after a broker outage.
   */
  @WithDefault("1s")
  Duration outboxInterval();

  /**
   * How often the outbox check and the expiry sweep look in the database although this replica
   * knows of nothing for them to do: how late an outbox row or a deadline left by a replica that
   * has gone away is handled. Idle, they cost no query in between.
   */
  @WithDefault("10s")
  Duration idleCheckInterval();

  /**
   * The largest arguments (canonical JSON, UTF-8) a call that needs approval may have. A request is
   * published whole on Kafka (twice: requested, then decided), whose producers refuse messages over
   * 1 MiB by default; one that could not be published would hold up every request after it.
   */
  @WithDefault("262144")
  int maxArgumentsBytes();

  /**
   * How long a task Airlock owns is kept, with its result, past its approval's expiry at least: the
   * floor of the ttl it grants, whatever the client asked.
   */
  @WithDefault("1h")
  Duration taskRetention();
}
