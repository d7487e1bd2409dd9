package dev.airlock.guard;

import java.util.Set;

/**
 * Who makes a call: the agent, the grant (API key or token) it authenticated with, and the human
 * who owns the agent.
 *
 * @param upstreams the upstreams this grant may reach; empty means all
 */
public record Caller(String agent, String grantId, String owner, Set<String> upstreams) {

  public static final Caller ANONYMOUS = new Caller("anonymous", "anonymous", "nobody", Set.of());

  public boolean mayReach(String upstream) {
    return upstreams.isEmpty() || upstreams.contains(upstream);
  }
}
