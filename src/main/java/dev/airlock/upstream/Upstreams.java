package dev.airlock.upstream;

import dev.airlock.upstream.http.HttpUpstream;
import dev.airlock.upstream.stdio.StdioUpstream;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** The configured upstreams by name. */
@ApplicationScoped
public class Upstreams {

  private final Map<String, UpstreamTransport> byName = new ConcurrentHashMap<>();

  @Inject
  public Upstreams(UpstreamsConfig config, Vertx vertx) {
    config
        .upstreams()
        .forEach(
            (name, upstream) -> {
              if (upstream.url().isPresent() == upstream.command().isPresent()) {
                throw new IllegalStateException(
                    "airlock.upstreams." + name + ": set exactly one of url or command");
              }
              byName.put(
                  name,
                  upstream.url().isPresent()
                      ? new HttpUpstream(name, upstream.url().get(), upstream, vertx)
                      : new StdioUpstream(name, upstream, vertx));
            });
  }

  /** Adds an upstream known only at run time (the built-in demo server's actual port). */
  public void register(UpstreamTransport transport) {
    byName.putIfAbsent(transport.name(), transport);
  }

  public Optional<UpstreamTransport> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public Set<String> names() {
    return new TreeMap<>(byName).keySet();
  }
}
