package dev.airlock.restapi;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses an API request whose path or query holds U+0000 ({@code %00}) with a 400 that says so. No
 * id, name or filter can contain it (PostgreSQL's text cannot), and left alone such a filter
 * reached the database and came back as a 500. The reviewer queue answers the same in its own page
 * ({@code queue.QueueUriRefusal}).
 */
public class NulInRequestUri {

  public static final String MESSAGE = "the request's path and query must not contain %00 (U+0000)";

  @ServerRequestFilter(preMatching = true)
  public Response refuse(ContainerRequestContext request) {
    UriInfo uri = request.getUriInfo();
    if (!uri.getPath().startsWith("/api/") || !holdsNul(uri)) {
      return null;
    }
    return Response.status(400)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(new ErrorBody(MESSAGE))
        .build();
  }

  /** Whether the decoded path, a query parameter's name or one of its values holds U+0000. */
  public static boolean holdsNul(UriInfo uri) {
    if (holdsNul(uri.getPath())) {
      return true;
    }
    for (Map.Entry<String, List<String>> parameter : uri.getQueryParameters().entrySet()) {
      if (holdsNul(parameter.getKey())
          || parameter.getValue().stream().anyMatch(v -> holdsNul(v))) {
        return true;
      }
    }
    return false;
  }

  private static boolean holdsNul(String text) {
    return text != null && text.indexOf('\0') >= 0;
  }
}
