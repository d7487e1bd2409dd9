package dev.airlock.embedded;

import dev.airlock.upstream.Upstreams;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Tells the person who ran {@code quarkus-run.jar local} where to point a client and a browser. */
@ApplicationScoped
public class LocalRunBanner {

  @Inject Upstreams upstreams;

  @ConfigProperty(name = "airlock.local.banner", defaultValue = "false")
  boolean enabled;

  @ConfigProperty(name = "quarkus.http.port")
  int port;

  @ConfigProperty(name = "airlock.grants.demo-key.value")
  Optional<String> demoKey;

  // After the other start-up observers (the demo upstream registers itself on start).
  void onStart(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER + 900) StartupEvent event) {
    if (!enabled) {
      return;
    }
    String base = "http://localhost:" + port;
    StringBuilder out = new StringBuilder();
    out.append("\n==================================================================\n");
    out.append(" Airlock is running (embedded PostgreSQL and Kafka, demo upstream)\n\n");
    for (String name : upstreams.names()) {
      out.append(" MCP endpoint   ").append(base).append("/mcp/").append(name).append('\n');
    }
    demoKey.ifPresent(
        key -> out.append(" Agent key      Authorization: Bearer ").append(key).append('\n'));
    out.append(" Reviewer queue ")
        .append(base)
        .append("/queue  (reviewer/reviewer, admin/admin)\n");
    out.append(" Approvals API  ").append(base).append("/api/approvals\n");
    out.append(" OpenAPI        ").append(base).append("/q/openapi\n");
    out.append("==================================================================\n");
    System.out.println(out);
  }
}
