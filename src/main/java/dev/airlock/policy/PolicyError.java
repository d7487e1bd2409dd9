package dev.airlock.policy;

/**
 * One mistake in a policy document.
 *
 * @param path where, as a JSONPath ({@code $.tools.CancelAHORunBatch.limits[0].window})
 * @param line 1-based line of the offending value, 0 when unknown
 * @param column 1-based column, 0 when unknown
 */
public record PolicyError(String path, int line, int column, String message) {

  @Override
  public String toString() {
    return path + " (line " + line + ", col " + column + "): " + message;
  }
}
