package dev.airlock.approval.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.approval.ApprovalFilter;
import dev.airlock.approval.ApprovalStatus;
import dev.airlock.approval.ApprovalView;
import dev.airlock.approval.Approvals;
import dev.airlock.approval.Channel;
import dev.airlock.approval.DecisionCommand;
import dev.airlock.approval.DecisionResult;
import dev.airlock.approval.Reviewer;
import dev.airlock.restapi.ErrorBody;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The reviewers' REST API: list, read and decide approval requests. */
@Path("/api/approvals")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({"reviewer", "admin"})
@Blocking
@Tag(name = "Approvals")
public class ApprovalResource {

  /** A reviewer's decision; {@code arguments} edits the call before approving it. */
  public record DecisionBody(String decision, String reason, ObjectNode arguments) {}

  @Inject Approvals approvals;
  @Inject SecurityIdentity identity;

  @GET
  @Operation(summary = "List approval requests, pending ones oldest first")
  @APIResponse(
      responseCode = "200",
      description = "the requests that match",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(type = SchemaType.ARRAY, implementation = ApprovalView.class)))
  @APIResponse(
      responseCode = "400",
      description = "an unknown status, or a limit that is not a number")
  public List<ApprovalView> list(
      @QueryParam("status") String status,
      @QueryParam("upstream") String upstream,
      @QueryParam("tool") String tool,
      @QueryParam("agent") String agent,
      @QueryParam("risk") String risk,
      @QueryParam("limit") int limit) {
    ApprovalStatus parsed = null;
    if (status != null && !status.isBlank()) {
      try {
        parsed = ApprovalStatus.valueOf(status.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new BadRequestException("status must be one of " + List.of(ApprovalStatus.values()));
      }
    }
    return approvals.list(new ApprovalFilter(parsed, upstream, tool, agent, risk, limit));
  }

  @GET
  @Path("/{id}")
  @Operation(summary = "One approval request with its votes")
  @APIResponseSchema(value = ApprovalView.class, responseDescription = "the request")
  @APIResponse(responseCode = "404", description = "no such request")
  public Response get(@PathParam("id") String id) {
    return approvals
        .find(id)
        .map(view -> Response.ok(view).build())
        .orElse(Response.status(404).entity(Map.of("error", "no approval request " + id)).build());
  }

  @POST
  @Path("/{id}/decision")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Approve or deny; 409 when someone decided first")
  @APIResponseSchema(
      value = ApprovalView.class,
      responseDescription = "recorded: the request as it now stands")
  @APIResponse(
      responseCode = "400",
      description = "decision is not approve or deny, or the body is not a decision")
  @APIResponse(
      responseCode = "403",
      description =
          "this reviewer may not decide it: the agent's owner, not in the rule's reviewer groups, or voted already",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = ErrorBody.class)))
  @APIResponse(responseCode = "404", description = "no such request")
  @APIResponse(
      responseCode = "409",
      description = "already decided: error says by whom, approval holds the request")
  @APIResponse(
      responseCode = "422",
      description =
          "edited arguments fail the tool's input schema or size limit, or the reason is too long")
  public Response decide(@PathParam("id") String id, DecisionBody body) {
    if (body == null || body.decision() == null) {
      return Response.status(400)
          .entity(Map.of("error", "decision must be approve or deny"))
          .build();
    }
    DecisionCommand.Verb verb;
    switch (body.decision().toLowerCase(Locale.ROOT)) {
      case "approve" -> verb = DecisionCommand.Verb.APPROVE;
      case "deny" -> verb = DecisionCommand.Verb.DENY;
      default -> {
        return Response.status(400)
            .entity(Map.of("error", "decision must be approve or deny"))
            .build();
      }
    }
    String name = identity.getPrincipal().getName();
    Reviewer reviewer = new Reviewer(name, name, Channel.API, identity.getRoles());
    DecisionResult result =
        approvals.decide(id, reviewer, new DecisionCommand(verb, body.reason(), body.arguments()));
    if (result instanceof DecisionResult.Recorded recorded) {
      return Response.ok(recorded.view()).build();
    }
    if (result instanceof DecisionResult.AlreadyDecided already) {
      ApprovalView view = already.view();
      return Response.status(409)
          .entity(
              Map.of(
                  "error",
                  "already decided by "
                      + view.decidedBy()
                      + " via "
                      + view.decidedVia()
                      + ": "
                      + view.status(),
                  "approval",
                  view))
          .build();
    }
    if (result instanceof DecisionResult.NotAllowed notAllowed) {
      return Response.status(403).entity(Map.of("error", notAllowed.why())).build();
    }
    if (result instanceof DecisionResult.Invalid invalid) {
      return Response.status(422).entity(Map.of("error", invalid.why())).build();
    }
    return Response.status(404).entity(Map.of("error", "no approval request " + id)).build();
  }
}
