package dev.airlock.bench;

import dev.airlock.embedded.EmbeddedPostgres;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.exceptionsorter.PostgreSQLExceptionSorter;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import java.sql.SQLException;
import java.time.Duration;

/** A connection pool on a benchmark's or a plain test's embedded PostgreSQL. */
public final class BenchDatabase {

  private BenchDatabase() {}

  public static AgroalDataSource pool(EmbeddedPostgres postgres, int maxSize) throws SQLException {
    return AgroalDataSource.from(
        new AgroalDataSourceConfigurationSupplier()
            .connectionPoolConfiguration(
                cp ->
                    cp.maxSize(maxSize)
                        // As Quarkus configures it for PostgreSQL: a broken session is not lent
                        // again.
                        .exceptionSorter(new PostgreSQLExceptionSorter())
                        .acquisitionTimeout(Duration.ofSeconds(10))
                        .connectionFactoryConfiguration(
                            cf ->
                                cf.jdbcUrl(postgres.jdbcUrl())
                                    .principal(new NamePrincipal(postgres.username()))
                                    .credential(new SimplePassword(postgres.password())))));
  }
}
