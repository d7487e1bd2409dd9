package dev.airlock.grants;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Admin API for agent grants. The key is in the answer to POST, and nowhere else, ever. */
@Path("/api/grants")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
@Blocking
@Tag(name = "Grants")
public class GrantResource {

  public record IssueBody(String agent, String owner, Set<String> upstreams, Instant expiresAt) {}

  static final int MAX_NAME_CHARS = 200;

  @Inject GrantService grants;
  @Inject SecurityIdentity identity;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Issue a key to an agent; the key is shown once")
  @APIResponse(
      responseCode = "201",
      description = "issued: {\"grant\": the grant, \"key\": its key, shown here and nowhere else}",
      content = @Content(mediaType = MediaType.APPLICATION_JSON))
  @APIResponse(
      responseCode = "400",
      description =
          "agent or owner missing, a name longer than 200 characters or holding a control"
              + " character, or the body is not a grant")
  public Response issue(IssueBody body) {
    if (body == null
        || body.agent() == null
        || body.agent().isBlank()
        || body.owner() == null
        || body.owner().isBlank()) {
      return Response.status(400).entity(Map.of("error", "agent and owner are required")).build();
    }
    String unfit = unfitName(body);
    if (unfit != null) {
      return Response.status(400).entity(Map.of("error", unfit)).build();
    }
    GrantService.Issued issued =
        grants.issue(
            body.agent(),
            body.owner(),
            body.upstreams() == null ? Set.of() : body.upstreams(),
            body.expiresAt(),
            identity.getPrincipal().getName());
    return Response.status(201)
        .entity(Map.of("grant", issued.grant(), "key", issued.key()))
        .build();
  }

  /**
   * Agent and owner are kept in columns of {@value #MAX_NAME_CHARS} characters (upstream names,
   * which configuration gives, are held to the same), and no text column can hold U+0000: said
   * here, not as a database error.
   */
  private static String unfitName(IssueBody body) {
    List<String> names = new ArrayList<>(List.of(body.agent(), body.owner()));
    if (body.upstreams() != null) {
      names.addAll(body.upstreams());
    }
    for (String name : names) {
      if (name == null || name.isBlank()) {
        return "upstream names must not be empty";
      }
      if (name.length() > MAX_NAME_CHARS) {
        return "agent, owner and upstream names have at most "
            + MAX_NAME_CHARS
            + " characters; one has "
            + name.length();
      }
      if (name.chars().anyMatch(Character::isISOControl)) {
        return "agent, owner and upstream names must not contain control characters";
      }
    }
    return null;
  }

  @GET
  @Operation(summary = "List grants (keys are never shown)")
  public List<Grant> list() {
    return grants.list();
  }

  @DELETE
  @Path("/{id}")
  @Operation(summary = "Revoke a grant; its key stops working within airlock.auth.key-cache-ttl")
  @APIResponseSchema(value = Grant.class, responseDescription = "revoked: the grant")
  @APIResponse(responseCode = "404", description = "no such grant")
  public Response revoke(@PathParam("id") String id) {
    return grants
        .revoke(id, identity.getPrincipal().getName())
        .map(grant -> Response.ok(grant).build())
        .orElse(Response.status(404).entity(Map.of("error", "no grant " + id)).build());
  }
}
