package dev.airlock.testing;

import io.quarkus.test.common.QuarkusTestResource;

/**
 * Registers {@link EmbeddedServices} for every {@code @QuarkusTest} in the module (not restricted
 * to an annotated class), so all tests share one Quarkus boot and one set of servers.
 */
@QuarkusTestResource(EmbeddedServices.class)
public final class UseEmbeddedServices {
  private UseEmbeddedServices() {}
}
