package dev.airlock.restapi;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What every refusal of the REST API carries (see {@link ClientErrorBodies}). */
@Schema(name = "Error", description = "Why the request was refused")
public record ErrorBody(@Schema(description = "what was wrong, in words") String error) {}
