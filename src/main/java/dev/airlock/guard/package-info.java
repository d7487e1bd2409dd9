/**
 * The guard chain: the only path a {@code tools/call} takes from the relay to the upstream.
 *
 * <p>The relay knows nothing about policy, limits or approvals. It hands each {@code tools/call} to
 * {@link dev.airlock.guard.GuardChain}, which walks its {@link dev.airlock.guard.Guard}s in a fixed
 * order (policy, rate limits, approval). Each guard returns a stage of a {@link
 * dev.airlock.guard.Verdict}:
 *
 * <ul>
 *   <li>{@link dev.airlock.guard.Verdict.Forward}: pass the (possibly rewritten) call to the next
 *       guard, and after the last one, to the upstream;
 *   <li>{@link dev.airlock.guard.Verdict.Respond}: answer the client without reaching the upstream
 *       (a denial, a rate limit, a pending-approval notice, a task handle).
 * </ul>
 *
 * <p>A completed stage is the fast path. An incomplete stage <em>holds</em> the call: that is how
 * the approval guard parks a call until a reviewer decides. While holding, a guard may report
 * progress to the client through {@link dev.airlock.guard.GuardContext#progress(String)} and must
 * listen for {@link dev.airlock.guard.GuardContext#onWithdrawn(Runnable)}: the client cancelled,
 * ended its session or dropped the connection.
 *
 * <p>Threading: guards are called on a Vert.x event loop and must not block it. Blocking work
 * (database, Kafka acknowledgements) is done on a worker and completes the stage from there.
 *
 * <p>Failure: a stage that completes exceptionally is a gateway error; the relay answers the client
 * with a JSON-RPC error and never forwards the call. Guards therefore fail closed.
 */
package dev.airlock.guard;
