package dev.airlock.restapi;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The REST API's refusals say what was wrong, as {@code {"error": "…"}} like the resources' own
 * answers. Left to the framework, a body that is not JSON, a field of the wrong type or a query
 * parameter that is not a number got an empty 400 or a 404, and a reason given in a {@code
 * BadRequestException} was dropped. Paths outside {@code /api/} (the reviewer queue's pages) keep
 * the framework's answers.
 */
public class ClientErrorBodies {

  @ServerExceptionMapper
  public Response refused(WebApplicationException e, UriInfo uri) {
    Response refusal = e.getResponse();
    if (!isApi(uri) || refusal.hasEntity() || refusal.getStatus() >= 500) {
      return refusal;
    }
    MismatchedInputException mismatch = cause(e, MismatchedInputException.class);
    if (mismatch != null) {
      return mismatched(mismatch, uri);
    }
    JsonProcessingException unreadable = cause(e, JsonProcessingException.class);
    if (unreadable != null) {
      return error(refusal.getStatus(), "the body is not valid JSON: " + describe(unreadable));
    }
    NumberFormatException notANumber = cause(e, NumberFormatException.class);
    if (notANumber != null) {
      // A parameter that cannot be read is the request's fault, not a missing resource (JAX-RS
      // answers 404 for it).
      return error(400, "a parameter must be a number: " + notANumber.getMessage());
    }
    return Response.fromResponse(refusal)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(
            new ErrorBody(
                Objects.requireNonNullElse(
                    e.getMessage(), refusal.getStatusInfo().getReasonPhrase())))
        .build();
  }

  /** JSON that does not fit the expected fields (a string where an object goes, …). */
  @ServerExceptionMapper
  public Response mismatched(MismatchedInputException e, UriInfo uri) {
    if (!isApi(uri)) {
      return Response.status(400).build();
    }
    String field = path(e);
    String kind = kind(e.getTargetType());
    if (kind == null) {
      return error(400, "the body does not fit the request: " + describe(e));
    }
    return error(
        400, (field.isEmpty() ? "the body" : "`" + field + "`") + " must be " + kind + where(e));
  }

  /** What a target type is called in JSON, for the types our request bodies use. */
  private static String kind(Class<?> type) {
    if (type == null) {
      return null;
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != char.class)) {
      return "a number";
    }
    if (Temporal.class.isAssignableFrom(type)) {
      return "a date and time (ISO 8601, such as 2026-12-31T23:59:00Z)";
    }
    if (type.isEnum()) {
      return "one of " + Arrays.toString(type.getEnumConstants());
    }
    if (ObjectNode.class.isAssignableFrom(type)) {
      return "an object";
    }
    // Before Iterable: every JsonNode is one.
    if (ArrayNode.class.isAssignableFrom(type)
        || type.isArray()
        || Iterable.class.isAssignableFrom(type)) {
      return "an array";
    }
    return "an object";
  }

  private static boolean isApi(UriInfo uri) {
    return uri.getPath().startsWith("/api/");
  }

  private static Response error(int status, String message) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(new ErrorBody(message))
        .build();
  }

  /**
   * Jackson's own words without the echo of the input, plus where: the field, or line and column.
   */
  private static String describe(JsonProcessingException e) {
    String field = path(e);
    // Jackson names the input in nested locations ("[Source: REDACTED (…); line: …"): dropped.
    String message = e.getOriginalMessage().replaceAll("\\[Source: [^;]*; ", "[");
    return message + (field.isEmpty() ? "" : " at " + field) + where(e);
  }

  private static String path(JsonProcessingException e) {
    if (!(e instanceof JsonMappingException mapping)) {
      return "";
    }
    return mapping.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."));
  }

  private static String where(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    return at == null || at.getLineNr() <= 0
        ? ""
        : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
  }

  private static <T extends Throwable> T cause(Throwable error, Class<T> type) {
    for (Throwable at = error; at != null; at = at.getCause() == at ? null : at.getCause()) {
      if (type.isInstance(at)) {
        return type.cast(at);
      }
    }
    return null;
  }
}
