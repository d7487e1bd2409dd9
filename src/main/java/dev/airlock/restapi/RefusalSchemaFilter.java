package dev.airlock.restapi;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;

/**
 * Gives every refusal the REST API documents the {@code Error} body that {@link ClientErrorBodies}
 * makes sure it carries, so an endpoint's annotations name only the status and why. Not 401 and 403
 * in general: the sign-in and role checks answer those without a body; an endpoint whose own 403
 * has one says so in its annotation, and that annotation is what has the schema generated from
 * {@link ErrorBody} (OpenApiContractTest fails if nothing does).
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class RefusalSchemaFilter implements OASFilter {

  static final String ERROR_SCHEMA = "Error";
  private static final Set<String> WITHOUT_BODY = Set.of("401", "403");

  @Override
  public void filterOpenAPI(OpenAPI openAPI) {
    if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
      return;
    }
    openAPI
        .getPaths()
        .getPathItems()
        .forEach(
            (path, item) -> {
              if (path.startsWith("/api/")) {
                item.getOperations().values().forEach(RefusalSchemaFilter::describeRefusals);
              }
            });
  }

  private static void describeRefusals(Operation operation) {
    if (operation.getResponses() == null || operation.getResponses().getAPIResponses() == null) {
      return;
    }
    operation
        .getResponses()
        .getAPIResponses()
        .forEach(
            (status, response) -> {
              if (status.startsWith("4")
                  && !WITHOUT_BODY.contains(status)
                  && response.getContent() == null) {
                response.setContent(errorContent());
              }
            });
  }

  private static Content errorContent() {
    return OASFactory.createContent()
        .addMediaType(
            MediaType.APPLICATION_JSON,
            OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref("#/components/schemas/" + ERROR_SCHEMA)));
  }
}
