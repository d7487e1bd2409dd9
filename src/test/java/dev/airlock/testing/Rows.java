package dev.airlock.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** One-statement reads of what Airlock stored, for tests that check the database itself. */
public final class Rows {

  private Rows() {}

  /** The first column of every row, as text. */
  public static List<String> strings(DataSource database, String sql, Object... parameters)
      throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = database.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        s.setObject(i + 1, parameters[i]);
      }
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          values.add(r.getString(1));
        }
      }
    }
    return values;
  }

  /** The first column of the one row a count or an aggregate returns. */
  public static long number(DataSource database, String sql, Object... parameters)
      throws SQLException {
    return Long.parseLong(strings(database, sql, parameters).get(0));
  }
}
