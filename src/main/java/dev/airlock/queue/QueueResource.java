package dev.airlock.queue;

import dev.airlock.approval.ApprovalFilter;
import dev.airlock.approval.ApprovalStatus;
import dev.airlock.approval.ApprovalView;
import dev.airlock.approval.Approvals;
import dev.airlock.approval.Channel;
import dev.airlock.approval.DecisionCommand;
import dev.airlock.approval.DecisionResult;
import dev.airlock.approval.Reviewer;
import dev.airlock.audit.AuditResource;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.net.URI;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The reviewer web queue: pending list, detail with decision forms, history, live events. */
@Path("/queue")
@Blocking
public class QueueResource {

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance login(boolean error);

    static native TemplateInstance list(
        List<ApprovalView> pending, Filters filters, String user, boolean reviewer, String csrf);

    static native TemplateInstance rows(List<ApprovalView> pending);

    static native TemplateInstance detail(
        ApprovalView approval,
        List<ApprovalView> sessionRecent,
        List<ApprovalView> toolRecent,
        String user,
        boolean reviewer,
        String csrf,
        String message);

    static native TemplateInstance history(
        List<ApprovalView> decided, Filters filters, String user, String exportQuery);

    /** A refusal, in the queue's page, with the way back. */
    static native TemplateInstance problem(
        String heading, String message, String approvalId, String user);
  }

  /** The filters and sort kept in the URL. */
  public record Filters(String upstream, String tool, String agent, String risk, String sort) {
    public String query() {
      UriBuilder builder = UriBuilder.fromPath("");
      add(builder, "upstream", upstream);
      add(builder, "tool", tool);
      add(builder, "agent", agent);
      add(builder, "risk", risk);
      add(builder, "sort", sort);
      String query = builder.build().getRawQuery();
      return query == null ? "" : query;
    }

    private static void add(UriBuilder builder, String name, String value) {
      if (value != null && !value.isBlank()) {
        builder.queryParam(name, value);
      }
    }
  }

  @Inject Approvals approvals;
  @Inject SecurityIdentity identity;
  @Inject QueueEvents events;
  @Inject AuditResource audit;

  @ConfigProperty(name = "airlock.queue.csrf-secret")
  String csrfSecret;

  /** Reviewers sign in at the identity provider: the embedded store's login page has no use. */
  @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "false")
  boolean oidcSignIn;

  @GET
  @Path("/login")
  @Produces(MediaType.TEXT_HTML)
  public Response login(@QueryParam("error") boolean error) {
    if (oidcSignIn) {
      return Response.seeOther(URI.create("/queue")).build();
    }
    return Response.ok(Templates.login(error)).build();
  }

  @GET
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance list(
      @QueryParam("upstream") String upstream,
      @QueryParam("tool") String tool,
      @QueryParam("agent") String agent,
      @QueryParam("risk") String risk,
      @QueryParam("sort") String sort) {
    Filters filters = new Filters(upstream, tool, agent, risk, sort);
    return Templates.list(pending(filters), filters, user(), isReviewer(), csrf());
  }

  @GET
  @Path("/rows")
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance rows(
      @QueryParam("upstream") String upstream,
      @QueryParam("tool") String tool,
      @QueryParam("agent") String agent,
      @QueryParam("risk") String risk,
      @QueryParam("sort") String sort) {
    return Templates.rows(pending(new Filters(upstream, tool, agent, risk, sort)));
  }

  @GET
  @Path("/events")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  public Multi<String> events() {
    return events.stream();
  }

  @GET
  @Path("/history")
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance history(
      @QueryParam("upstream") String upstream,
      @QueryParam("tool") String tool,
      @QueryParam("agent") String agent,
      @QueryParam("risk") String risk,
      @QueryParam("status") String status) {
    Filters filters = new Filters(upstream, tool, agent, risk, null);
    ApprovalStatus wanted = null;
    if (status != null && !status.isBlank()) {
      try {
        wanted = ApprovalStatus.valueOf(status.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new BadRequestException(
            problem(
                400,
                "Bad request",
                "status must be one of " + Arrays.toString(ApprovalStatus.values()),
                null));
      }
    }
    List<ApprovalView> decided =
        approvals
            .list(
                new ApprovalFilter(
                    wanted, blank(upstream), blank(tool), blank(agent), blank(risk), 200))
            .stream()
            .filter(v -> v.status().isFinal())
            .toList();
    String exportQuery = new Filters(null, tool, agent, null, null).query();
    return Templates.history(decided, filters, user(), exportQuery);
  }

  /**
   * The history's CSV export under the queue's own sign-in: with OIDC, browsers hold a session
   * cookie, not the bearer token {@code /api/audit/export} asks for. Admins only, audited there.
   */
  @GET
  @Path("/history/export")
  @RolesAllowed("admin")
  public Response exportHistory(
      @QueryParam("tool") String tool, @QueryParam("agent") String agent) {
    return audit.export("csv", null, null, blank(agent), blank(tool), null);
  }

  @GET
  @Path("/{id}")
  @Produces(MediaType.TEXT_HTML)
  public Response detail(@PathParam("id") String id, @QueryParam("message") String message) {
    return approvals
        .find(id)
        .map(
            view -> {
              List<ApprovalView> sessionRecent =
                  approvals
                      .list(new ApprovalFilter(null, view.upstream(), null, view.agent(), null, 50))
                      .stream()
                      .filter(
                          v -> v.sessionId().equals(view.sessionId()) && !v.id().equals(view.id()))
                      .limit(10)
                      .toList();
              List<ApprovalView> toolRecent =
                  approvals
                      .list(new ApprovalFilter(null, view.upstream(), view.tool(), null, null, 20))
                      .stream()
                      .filter(v -> v.status().isFinal() && !v.id().equals(view.id()))
                      .limit(10)
                      .toList();
              return Response.ok(
                      Templates.detail(
                          view, sessionRecent, toolRecent, user(), isReviewer(), csrf(), message))
                  .build();
            })
        .orElseGet(() -> problem(404, "Not found", "No approval request " + id, null));
  }

  @POST
  @Path("/{id}/decision")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response decide(
      @PathParam("id") String id,
      @FormParam("decision") String decision,
      @FormParam("reason") String reason,
      @FormParam("csrf") String csrf) {
    if (!new CsrfTokens(csrfSecret).isValid(user(), csrf)) {
      return problem(
          403,
          "Form refused",
          "This form is stale or was not sent by the queue (CSRF check failed). Reload the page.",
          id);
    }
    if (!isReviewer()) {
      return problem(403, "Not allowed", "You need the reviewer role to decide.", id);
    }
    boolean approve = "approve".equals(decision);
    if (!approve && !"deny".equals(decision)) {
      return problem(400, "Not a decision", "The decision must be approve or deny.", id);
    }
    if (!approve && (reason == null || reason.isBlank())) {
      return redirect(id, "A reason is required to deny.");
    }
    Reviewer reviewer = new Reviewer(user(), user(), Channel.QUEUE, identity.getRoles());
    DecisionResult result =
        approvals.decide(
            id,
            reviewer,
            new DecisionCommand(
                approve ? DecisionCommand.Verb.APPROVE : DecisionCommand.Verb.DENY, reason, null));
    String message;
    if (result instanceof DecisionResult.Recorded recorded) {
      message =
          recorded.view().status().isFinal()
              ? "Recorded: " + recorded.view().status().name().toLowerCase(Locale.ROOT)
              : "Your approval is recorded; more reviewers are needed.";
    } else if (result instanceof DecisionResult.AlreadyDecided already) {
      message =
          "Already decided by "
              + already.view().decidedBy()
              + " via "
              + already.view().decidedVia()
              + ": "
              + already.view().status().name().toLowerCase(Locale.ROOT);
    } else if (result instanceof DecisionResult.NotAllowed notAllowed) {
      return problem(403, "Not allowed", notAllowed.why(), id);
    } else if (result instanceof DecisionResult.Invalid invalid) {
      message = invalid.why();
    } else {
      return problem(404, "Not found", "No approval request " + id, null);
    }
    return redirect(id, message);
  }

  private List<ApprovalView> pending(Filters filters) {
    Comparator<ApprovalView> order = Comparator.comparing(ApprovalView::requestedAt);
    if ("newest".equals(filters.sort())) {
      order = order.reversed();
    } else if ("expiry".equals(filters.sort())) {
      order = Comparator.comparing(ApprovalView::expiresAt);
    }
    return approvals
        .list(
            new ApprovalFilter(
                ApprovalStatus.PENDING,
                blank(filters.upstream()),
                blank(filters.tool()),
                blank(filters.agent()),
                blank(filters.risk()),
                500))
        .stream()
        .sorted(order)
        .toList();
  }

  private Response redirect(String id, String message) {
    return Response.seeOther(
            UriBuilder.fromPath("/queue/{id}").queryParam("message", message).build(id))
        .build();
  }

  private Response problem(int status, String heading, String message, String approvalId) {
    return Response.status(status)
        .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
        .entity(Templates.problem(heading, message, approvalId, user()))
        .build();
  }

  private String user() {
    return identity.getPrincipal().getName();
  }

  private boolean isReviewer() {
    return identity.hasRole("reviewer") || identity.hasRole("admin");
  }

  private String csrf() {
    return new CsrfTokens(csrfSecret).tokenFor(user());
  }

  private static String blank(String text) {
    return text == null || text.isBlank() ? null : text;
  }
}
