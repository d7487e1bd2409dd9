package dev.airlock.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Produces the {@link CallTracer}. With {@code quarkus.otel.sdk.disabled=true} Quarkus still hands
 * out a working SDK tracer (quarkusio/quarkus#43502): every {@code tools/call} would build spans
 * for nobody on the event loop, and a parked call would carry a traceparent naming a trace that
 * exists nowhere. Tracing off means no spans and no traceparent.
 */
@ApplicationScoped
public class CallTracers {

  static final String SCOPE = "dev.airlock";

  @Produces
  @Singleton
  @CallTracer
  Tracer tracer(
      OpenTelemetry openTelemetry,
      @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false")
          boolean sdkDisabled) {
    return of(openTelemetry, sdkDisabled);
  }

  static Tracer of(OpenTelemetry openTelemetry, boolean sdkDisabled) {
    return sdkDisabled ? TracerProvider.noop().get(SCOPE) : openTelemetry.getTracer(SCOPE);
  }
}
