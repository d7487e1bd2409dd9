package dev.airlock.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

@ConfigMapping(prefix = "airlock.audit")
public interface AuditConfig {

  /** Events older than this are deleted by the retention job. */
  @WithDefault("P365D")
  Duration retention();

  /** Argument names masked in every audit event, whatever the policy says. */
  @WithDefault("password,token,secret,apiKey,api_key,authorization")
  List<String> redact();

  /**
   * How often the events past the published position go to the airlock.audit topic: the catch-up
   * run (decisions, other replicas' events, a backlog). At least 1 s: the scheduler's floor.
   */
  @WithDefault("1s")
  Duration publishInterval();

  /** How soon after a batch of call events commits it is published, with what commits meanwhile. */
  @WithDefault("200ms")
  Duration publishWindow();

  /**
   * How long a forwarded call's event, which nobody waits for (its intent is committed), may wait
   * for other events to share its commit. Fewer commits per call leave the cores to the calls; a
   * crash within it leaves those calls' intents, recorded with outcome {@code unknown}
   * (docs/audit.md).
   */
  @WithDefault("20ms")
  Duration settleLinger();

  /**
   * Where audit writes go while the database is unreachable, until they are replayed. Must be on
   * disk that outlives the process (an emptyDir survives container restarts; see docs/audit.md).
   */
  @WithDefault("${java.io.tmpdir}/airlock-audit-spool")
  String spoolDir();

  /**
   * How old an unsettled intent must be before it is taken as lost (its replica stopped before the
   * call's event was written). Must exceed the longest upstream request timeout.
   */
  @WithDefault("10m")
  Duration intentGrace();

  /**
   * Whether a forwarded call's intent is committed before it goes upstream. Off, a crash between
   * forwarding and recording can lose that call's event, and the agent's answer waits for the event
   * instead (docs/audit.md).
   */
  @WithDefault("true")
  boolean intentBeforeForward();

  /**
   * Whether a forwarded call also waits for its intent to be flushed to the database's disk. Off,
   * the intent is committed with PostgreSQL's {@code synchronous_commit = off} and kept in memory
   * until the log is flushed past it, so a crash of either Airlock or PostgreSQL loses nothing and
   * only both failing within the same fraction of a second can lose intents; on, nothing can, and
   * each batch of intents waits for a disk flush (docs/audit.md).
   */
  @WithDefault("false")
  boolean intentFlushBeforeForward();

  /**
   * Whether a forwarded call's answer also waits for its event (its outcome and upstream latency).
   * Off, a crash in the few milliseconds between the answer and the next group commit leaves the
   * call recorded from its intent with outcome {@code unknown}; on, nothing of it is lost and each
   * forwarded call waits for a second group commit (docs/audit.md).
   */
  @WithDefault("false")
  boolean outcomeBeforeAnswer();

  /**
   * The largest arguments (canonical JSON, UTF-8 bytes) an event keeps; larger ones are omitted
   * from it, and its {@code args_digest} still identifies them. Each event is published whole to
   * the airlock.audit topic, in order: one Kafka refused (producers' default limit: 1 MiB) would
   * stop the export of every event after it.
   */
  @WithDefault("65536")
  int maxArgumentsBytes();
}
