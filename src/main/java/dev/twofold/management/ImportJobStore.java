package dev.twofold.management;

import dev.twofold.store.Database;
import java.util.Optional;

/** The rows of {@code user_import_jobs}: one completed user import each. Thread-safe. */
final class ImportJobStore {

    /** A stored job; {@code problemsJson} is the JSON array of rows not imported. */
    record Job(String jobId, String connectionId, Optional<String> externalId, long createdAt,
               int total, int inserted, int failed, String problemsJson) {
    }

    private final Database database;

    ImportJobStore(Database database) {
        this.database = database;
    }

    void insert(Job job) {
        database.inTransaction(handle -> handle.createUpdate("INSERT INTO user_import_jobs"
                        + " (job_id, connection_id, external_id, created_at, total, inserted,"
                        + " failed, problems) VALUES (:id, :connection, :external, :created,"
                        + " :total, :inserted, :failed, :problems)")
                .bind("id", job.jobId()).bind("connection", job.connectionId())
                .bind("external", job.externalId().orElse(null))
                .bind("created", job.createdAt()).bind("total", job.total())
                .bind("inserted", job.inserted()).bind("failed", job.failed())
                .bind("problems", job.problemsJson()).execute());
    }

    Optional<Job> find(String jobId) {
        return database.withHandle(handle -> handle.createQuery("SELECT job_id, connection_id,"
                        + " external_id, created_at, total, inserted, failed, problems"
                        + " FROM user_import_jobs WHERE job_id = :id")
                .bind("id", jobId)
                .map((row, context) -> new Job(row.getString(1), row.getString(2),
                        Optional.ofNullable(row.getString(3)), row.getLong(4), row.getInt(5),
                        row.getInt(6), row.getInt(7), row.getString(8)))
                .findOne());
    }
}
