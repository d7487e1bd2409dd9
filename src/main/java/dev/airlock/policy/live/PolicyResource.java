package dev.airlock.policy.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.policy.Decision;
import dev.airlock.policy.PolicyRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /api/policy} shows what is in force; {@code POST /api/policy/explain} tries a call.
 */
@Path("/api/policy")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({"reviewer", "admin"})
public class PolicyResource {

  /** A call to explain, as an operator describes it. */
  public record ExplainRequest(
      String agent, String upstream, String tool, JsonNode arguments, JsonNode annotations) {}

  @Inject ActivePolicy policy;
  @Inject ObjectMapper json;

  @GET
  public ObjectNode active() {
    ActivePolicy.Snapshot snapshot = policy.snapshot();
    ObjectNode out = json.createObjectNode();
    out.put("version", snapshot.engine().policy().hash());
    out.put("source", snapshot.source());
    out.put("loadedAt", snapshot.loadedAt().toString());
    out.put("mode", snapshot.engine().policy().enforce() ? "enforce" : "monitor");
    try {
      out.set("document", json.readTree(snapshot.document()));
    } catch (Exception e) {
      out.put("document", snapshot.document());
    }
    ActivePolicy.Refusal refusal = policy.lastRefusal();
    if (refusal != null) {
      ObjectNode refused = out.putObject("lastRefusedChange");
      refused.put("at", refusal.at().toString());
      var errors = refused.putArray("errors");
      refusal
          .errors()
          .forEach(
              e ->
                  errors
                      .addObject()
                      .put("path", e.path())
                      .put("line", e.line())
                      .put("column", e.column())
                      .put("message", e.message()));
    }
    return out;
  }

  @POST
  @Path("/explain")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response explain(ExplainRequest request) {
    if (request == null || request.tool() == null || request.upstream() == null) {
      return Response.status(400)
          .entity(json.createObjectNode().put("error", "upstream and tool are required"))
          .build();
    }
    Decision decision =
        policy
            .engine()
            .decide(
                new PolicyRequest(
                    request.agent() == null ? "anonymous" : request.agent(),
                    null,
                    null,
                    request.upstream(),
                    request.tool(),
                    request.arguments() == null ? json.createObjectNode() : request.arguments(),
                    request.annotations()));
    return Response.ok(DecisionJson.write(decision, json)).build();
  }
}
