package dev.airlock.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Verification and export of the audit trail. Admins only; an export is itself audited. */
@Path("/api/audit")
@RolesAllowed("admin")
@Blocking
@Tag(name = "Audit")
public class AuditResource {

  @Inject AuditChain chain;
  @Inject AuditTrail trail;
  @Inject SecurityIdentity identity;
  @Inject ObjectMapper json;

  @GET
  @Path("/verify")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Recompute the hash chain and name the first broken link")
  public Response verify(@QueryParam("from") String from, @QueryParam("to") String to) {
    try {
      return Response.ok(chain.verify(instant(from), instant(to))).build();
    } catch (DateTimeParseException e) {
      return badTime(e);
    }
  }

  @GET
  @Path("/export")
  @Operation(summary = "Stream events as CSV (RFC 4180, header row) or JSON Lines")
  @APIResponse(
      responseCode = "200",
      description = "the events, oldest first, as text/csv or application/x-ndjson",
      content = {@Content(mediaType = "text/csv"), @Content(mediaType = "application/x-ndjson")})
  @APIResponse(
      responseCode = "400",
      description = "an unknown format, or from/to not ISO-8601 instants")
  public Response export(
      @QueryParam("format") String format,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("agent") String agent,
      @QueryParam("tool") String tool,
      @QueryParam("decision") String decision) {
    String chosen = format == null ? "csv" : format;
    if (!chosen.equals("csv") && !chosen.equals("jsonl")) {
      return Response.status(400)
          .type(MediaType.APPLICATION_JSON)
          .entity(Map.of("error", "format must be csv or jsonl"))
          .build();
    }
    AuditChain.Filter filter;
    try {
      filter =
          new AuditChain.Filter(
              instant(from), instant(to), blank(agent), blank(tool), blank(decision));
    } catch (DateTimeParseException e) {
      return badTime(e);
    }
    ObjectNode what =
        json.createObjectNode()
            .put("format", chosen)
            .put("from", from)
            .put("to", to)
            .put("agent", agent)
            .put("tool", tool)
            .put("decision", decision);
    trail.append(
        AuditEntry.admin("audit exported", identity.getPrincipal().getName(), "api", null, what));
    StreamingOutput body =
        out -> {
          BufferedWriter writer =
              new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
          try {
            if (chosen.equals("csv")) {
              CSVPrinter csv =
                  new CSVPrinter(
                      writer, CSVFormat.RFC4180.builder().setHeader(StoredEvent.HEADER).get());
              chain.stream(
                  filter,
                  event -> {
                    try {
                      csv.printRecord((Object[]) event.values());
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  });
              csv.flush();
            } else {
              // One generator for the whole stream; JSON Lines: a newline after each object.
              JsonGenerator lines =
                  json.getFactory()
                      .createGenerator(writer)
                      .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                      .setRootValueSeparator(null);
              chain.stream(
                  filter,
                  event -> {
                    try {
                      event.writeJson(lines);
                      lines.writeRaw('\n');
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  });
              lines.flush();
            }
          } finally {
            writer.flush();
          }
        };
    String type = chosen.equals("csv") ? "text/csv; charset=utf-8" : "application/x-ndjson";
    return Response.ok(body, type)
        .header("Content-Disposition", "attachment; filename=\"airlock-audit." + chosen + "\"")
        .build();
  }

  private static Instant instant(String text) {
    return text == null || text.isBlank() ? null : Instant.parse(text);
  }

  private static String blank(String text) {
    return text == null || text.isBlank() ? null : text;
  }

  private static Response badTime(DateTimeParseException e) {
    return Response.status(400)
        .type(MediaType.APPLICATION_JSON)
        .entity(Map.of("error", "from and to are ISO-8601 instants such as 2026-11-24T10:00:00Z"))
        .build();
  }
}
