package dev.airlock.bench;

import dev.airlock.embedded.EmbeddedPostgres;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import java.sql.SQLException;

/** A connection pool on a benchmark's embedded PostgreSQL. */
final class BenchDatabase {

  private BenchDatabase() {}

  static AgroalDataSource pool(EmbeddedPostgres postgres, int maxSize) throws SQLException {
    return AgroalDataSource.from(
        new AgroalDataSourceConfigurationSupplier()
            .connectionPoolConfiguration(
                cp ->
                    cp.maxSize(maxSize)
                        .connectionFactoryConfiguration(
                            cf ->
                                cf.jdbcUrl(postgres.jdbcUrl())
                                    .principal(new NamePrincipal(postgres.username()))
                                    .credential(new SimplePassword(postgres.password())))));
  }
}
