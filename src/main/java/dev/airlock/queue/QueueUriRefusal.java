package dev.airlock.queue;

import dev.airlock.restapi.NulInRequestUri;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The queue's side of {@link NulInRequestUri}: a path or filter holding {@code %00} gets a 400 page
 * of the queue, with the way back, instead of reaching the database.
 */
public class QueueUriRefusal {

  @ServerRequestFilter(preMatching = true)
  public Response refuse(ContainerRequestContext request) {
    if (!request.getUriInfo().getPath().startsWith("/queue")
        || !NulInRequestUri.holdsNul(request.getUriInfo())) {
      return null;
    }
    // Before matching, the sign-in is not known yet: the page names no one.
    return Response.status(400)
        .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
        .entity(QueueResource.Templates.problem("Bad request", NulInRequestUri.MESSAGE, null, ""))
        .build();
  }
}
