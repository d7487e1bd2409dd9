package dev.airlock.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;

class CallTracersTest {

  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  // A working SDK, as Quarkus hands out even with the SDK disabled.
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exported))
                  .build())
          .build();

  @Test
  void tracingOffBuildsNoSpanAndNoTraceparent() {
    // When
    Span span = CallTracers.of(sdk, true).spanBuilder("tools/call ListAHORuns").startSpan();
    span.end();

    // Then
    assertThat(span.getSpanContext().isValid()).isFalse();
    assertThat(TraceContexts.traceParent(span)).isNull();
    assertThat(exported.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void tracingOnRecordsTheSpanWithItsTraceparent() {
    // When
    Span span = CallTracers.of(sdk, false).spanBuilder("tools/call ListAHORuns").startSpan();
    span.end();

    // Then
    assertThat(TraceContexts.traceParent(span))
        .isEqualTo(
            "00-"
                + span.getSpanContext().getTraceId()
                + "-"
                + span.getSpanContext().getSpanId()
                + "-01");
    assertThat(exported.getFinishedSpanItems())
        .singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo("tools/call ListAHORuns"));
  }
}
