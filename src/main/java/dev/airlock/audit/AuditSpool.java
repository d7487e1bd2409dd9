package dev.airlock.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Local disk for audit writes the database could not take (an outage): each batch is appended to a
 * JSON Lines file and forced to disk before the writes count as done; a scheduled job replays the
 * files into PostgreSQL once it is back. A process holds a lock on the file it writes, so another
 * process (or a restart) replays only files whose writer is gone.
 */
@ApplicationScoped
public class AuditSpool {

  private static final Logger LOG = Logger.getLogger(AuditSpool.class);
  private static final String SUFFIX = ".jsonl";

  /**
   * One spooled write as a line of JSON. Files written before events carried their call's id name
   * it {@code settles} instead of {@code id}.
   */
  record Line(String type, String id, Instant recordedAt, String settles, AuditEntry entry) {

    static Line of(AuditWrite write) {
      if (write instanceof AuditWrite.Intent intent) {
        return new Line("intent", intent.id(), intent.recordedAt(), null, intent.ifLost());
      }
      AuditWrite.Event event = (AuditWrite.Event) write;
      return new Line("event", event.id(), null, null, event.entry());
    }

    AuditWrite toWrite() {
      return type.equals("intent")
          ? new AuditWrite.Intent(id, recordedAt, entry)
          : new AuditWrite.Event(entry, id != null ? id : settles);
    }
  }

  private final Path dir;
  private final ObjectMapper json;
  private final AgroalDataSource dataSource;

  @Inject
  AuditSpool(AuditConfig config, ObjectMapper json, AgroalDataSource dataSource) {
    this(Path.of(config.spoolDir()), json, dataSource);
  }

  public AuditSpool(Path dir, ObjectMapper json, AgroalDataSource dataSource) {
    this.dir = dir;
    this.json = json;
    this.dataSource = dataSource;
  }

  private Path current;
  // Files the database refused while it answered (damaged, or a write it rejects): warned once.
  private final Set<Path> refusedFiles = ConcurrentHashMap.newKeySet();
  private FileChannel channel;
  private FileLock lock;

  /** Appends the writes and forces them to disk; throws if the disk refuses. */
  synchronized void keep(List<AuditWrite> writes) {
    try {
      if (channel == null) {
        open();
      }
      StringBuilder lines = new StringBuilder();
      for (AuditWrite write : writes) {
        lines.append(json.writeValueAsString(Line.of(write))).append('\n');
      }
      ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("audit spool " + dir + ": " + e.getMessage(), e);
    }
  }

  private void open() throws IOException {
    Files.createDirectories(dir);
    current = dir.resolve("audit-" + UUID.randomUUID() + SUFFIX);
    channel =
        FileChannel.open(
            current,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
    lock = channel.lock();
  }

  /** Hands the file being written to the replay: later writes start a new one. */
  private synchronized Path closeCurrent() throws IOException {
    if (channel == null) {
      return null;
    }
    Path closed = current;
    lock.release();
    channel.close();
    channel = null;
    current = null;
    return closed;
  }

  @Scheduled(
      every = "${airlock.audit.spool-replay-interval:5s}",
      skipExecutionIf = Scheduled.ApplicationNotRunning.class,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void replayScheduled() {
    replay();
  }

  /** Replays every spool file whose writer is gone into the database; returns writes replayed. */
  public int replay() {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int replayed = 0;
    try {
      if (current != null && databaseAnswers()) {
        closeCurrent();
      }
      List<Path> files = new ArrayList<>();
      try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir, "audit-*" + SUFFIX)) {
        listing.forEach(files::add);
      }
      // Oldest first, so the chain gets the writes in the order they were kept; and one file the
      // database refuses must not hold back the others.
      files.sort(Comparator.comparing(AuditSpool::lastModified).thenComparing(Path::toString));
      for (Path file : files) {
        try {
          replayed += replayFile(file);
        } catch (IOException | SQLException | RuntimeException e) {
          if (databaseAnswers() && refusedFiles.add(file)) {
            LOG.warnf(
                "Audit spool: %s is not replayed (%s); the other files are, and it is retried",
                file, e.getMessage());
          } else {
            LOG.debugf("Audit spool file %s not replayed yet: %s", file, e.getMessage());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debugf("Audit spool not replayed yet: %s", e.getMessage());
    }
    return replayed;
  }

  private static FileTime lastModified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private boolean databaseAnswers() {
    try (Connection connection = dataSource.getConnection()) {
      return connection.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  private int replayFile(Path file) throws IOException, SQLException {
    synchronized (this) {
      if (file.equals(current)) {
        return 0;
      }
    }
    try (FileChannel reading =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock held;
      try {
        held = reading.tryLock();
      } catch (OverlappingFileLockException e) {
        return 0;
      }
      if (held == null) {
        return 0; // its writer is alive
      }
      List<AuditWrite> writes = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          writes.add(json.readValue(line, Line.class).toWrite());
        }
      }
      String name = file.getFileName().toString();
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(false);
        try {
          if (alreadyReplayed(connection, name)) {
            connection.rollback();
          } else {
            List<AuditWrite> notYetStored = AuditWrite.notYetStored(connection, writes);
            AuditWrite.store(connection, notYetStored, new ChainAppend(json));
            try (PreparedStatement mark =
                connection.prepareStatement(
                    "insert into audit_spool_replayed (file, replayed_at) values (?, now())")) {
              mark.setString(1, name);
              mark.executeUpdate();
            }
            connection.commit();
            LOG.infof("Audit spool: replayed %d writes from %s", writes.size(), name);
            if (notYetStored.size() < writes.size()) {
              // Expected only when the batch had committed although its writer saw an error; said
              // aloud, since an event not stored is what an audit trail must never hide.
              LOG.warnf(
                  "Audit spool: %d events in %s were already in the trail (same id) and were not"
                      + " stored again",
                  writes.size() - notYetStored.size(), name);
            }
          }
        } catch (SQLException | RuntimeException e) {
          connection.rollback();
          throw e;
        } finally {
          connection.setAutoCommit(true);
        }
      }
      Files.delete(file);
      held.release();
      return writes.size();
    }
  }

  private static boolean alreadyReplayed(Connection connection, String name) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement("select 1 from audit_spool_replayed where file = ?")) {
      query.setString(1, name);
      try (ResultSet row = query.executeQuery()) {
        return row.next();
      }
    }
  }

  void stop(@Observes ShutdownEvent event) throws IOException {
    closeCurrent();
  }
}
