package dev.twofold.management;

import static dev.twofold.management.ManagementScopes.CREATE_USERS;
import static dev.twofold.management.ManagementScopes.READ_USERS;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.twofold.crypto.Randoms;
import dev.twofold.server.Json;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.User;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Auth0's user import jobs: {@code POST /api/v2/jobs/users-imports} (a multipart form with the
 * {@code users} file and {@code connection_id}), {@code GET /api/v2/jobs/{id}} and
 * {@code GET /api/v2/jobs/{id}/errors}. Where Auth0 queues the job, Twofold imports the file
 * while the request waits ({@link UserImport}, at most {@link #MAX_FILE_BYTES}, Auth0's limit
 * too) and answers the job already {@code completed}. Thread-safe.
 */
final class JobsEndpoint {

    /** The id of Twofold's one database connection, in the shape of Auth0's connection ids. */
    static final String CONNECTION_ID = "con_UsernamePassword";
    static final int MAX_FILE_BYTES = 500 * 1024;
    private static final Set<String> FIELDS = Set.of("users", "connection_id", "upsert",
            "external_id", "send_completion_email");
    /** Rows kept for {@code /errors}; the counts still cover every row. */
    private static final int MAX_STORED_PROBLEMS = 1000;

    private final Services services;
    private final ImportJobStore jobs;

    JobsEndpoint(Services services) {
        this.services = services;
        this.jobs = new ImportJobStore(services.database());
    }

    void register(ManagementRoutes routes) {
        routes.post("/jobs/users-imports", CREATE_USERS, this::importUsers);
        routes.get("/jobs/{id}", READ_USERS, this::job);
        routes.get("/jobs/{id}/errors", READ_USERS, this::errors);
    }

    private void importUsers(Context context) {
        checkMultipart(context);
        checkFields(context);
        String connectionId = connectionId(context);
        checkUpsert(context);
        Optional<String> externalId = Optional.ofNullable(context.formParam("external_id"))
                .map(value -> JsonBody.limited("external_id", value, JsonBody.MAX_NAME));
        byte[] file = usersFile(context);

        UserImport.Summary summary = new UserImport(services).run(file);
        ImportJobStore.Job job = new ImportJobStore.Job(Randoms.id("job_"), connectionId,
                externalId, services.clock().millis(), summary.total(), summary.imported(),
                summary.duplicates() + summary.refused(), problemsJson(summary));
        jobs.insert(job);
        context.status(201).json(view(job));
    }

    private void job(Context context) {
        context.json(view(existing(context.pathParam("id"))));
    }

    private void errors(Context context) {
        ImportJobStore.Job job = existing(context.pathParam("id"));
        List<Map<String, Object>> entries = new ArrayList<>();
        for (JsonNode problem : tree(job.problemsJson())) {
            entries.add(errorEntry(problem));
        }
        context.json(entries);
    }

    /** One entry of {@code /errors} in Auth0's shape, with the row's position added. */
    private static Map<String, Object> errorEntry(JsonNode problem) {
        Map<String, Object> user = new LinkedHashMap<>();
        if (problem.hasNonNull("email")) {
            user.put("email", problem.get("email").asText());
        }
        boolean duplicate = problem.path("outcome").asText().equals("skipped_duplicate");
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("user", user);
        entry.put("errors", List.of(Map.of("code", duplicate ? "DUPLICATED_USER"
                : "INVALID_USER", "message", problem.path("reason").asText())));
        entry.put("index", problem.path("index").asInt());
        entry.put("line", problem.path("line").asInt());
        return entry;
    }

    private ImportJobStore.Job existing(String jobId) {
        return jobs.find(jobId).orElseThrow(() -> ManagementErrors.notFound("job", "No job has"
                + " id " + jobId + "; POST /api/v2/jobs/users-imports answers the id of the"
                + " job it created."));
    }

    private static Map<String, Object> view(ImportJobStore.Job job) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "completed");
        body.put("type", "users_import");
        body.put("created_at", Paging.time(job.createdAt()));
        body.put("id", job.jobId());
        body.put("connection_id", job.connectionId());
        body.put("connection", User.DEFAULT_CONNECTION);
        job.externalId().ifPresent(value -> body.put("external_id", value));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("failed", job.failed());
        summary.put("updated", 0);
        summary.put("inserted", job.inserted());
        summary.put("total", job.total());
        body.put("summary", summary);
        return body;
    }

    private static void checkMultipart(Context context) {
        if (!context.isMultipartFormData()) {
            throw ManagementErrors.invalidBody("Send the import as multipart/form-data with the"
                    + " users file in the part users and connection_id " + CONNECTION_ID
                    + " (curl -F users=@users.json -F connection_id=" + CONNECTION_ID + ").");
        }
    }

    private static void checkFields(Context context) {
        List<String> unknown = new ArrayList<>();
        for (String name : parts(context)) {
            if (!FIELDS.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw ManagementErrors.invalidBody("Payload validation error: unknown field(s) "
                    + unknown + ". This endpoint accepts " + new java.util.TreeSet<>(FIELDS)
                    + ".");
        }
    }

    /** The names of the form's parts; a part over the size limit is refused here. */
    private static Set<String> parts(Context context) {
        try {
            Set<String> names = new java.util.TreeSet<>(context.formParamMap().keySet());
            context.uploadedFileMap().keySet().forEach(names::add);
            return names;
        } catch (RuntimeException e) {
            throw tooLarge(); // Jetty refuses a part past the multipart limits while parsing.
        }
    }

    private static String connectionId(Context context) {
        String connectionId = context.formParam("connection_id");
        if (connectionId == null || connectionId.isBlank()) {
            throw ManagementErrors.invalidBody("Payload validation error: missing required"
                    + " field connection_id; send " + CONNECTION_ID + ", the id of "
                    + User.DEFAULT_CONNECTION + ".");
        }
        if (!connectionId.equals(CONNECTION_ID)
                && !connectionId.equals(User.DEFAULT_CONNECTION)) {
            throw ManagementErrors.notFound("connection", "The connection does not exist: "
                    + JsonBody.limited("connection_id", connectionId, JsonBody.MAX_NAME)
                    + ". Twofold has one database connection, " + User.DEFAULT_CONNECTION
                    + ", with connection_id " + CONNECTION_ID + ".");
        }
        return CONNECTION_ID;
    }

    private static void checkUpsert(Context context) {
        String upsert = context.formParam("upsert");
        if (upsert != null && !upsert.equals("false")) {
            throw ManagementErrors.invalidBody("upsert must be false (or absent): Twofold only"
                    + " inserts users, and skips a user whose email or user_id exists.");
        }
    }

    private static byte[] usersFile(Context context) {
        UploadedFile upload = context.uploadedFile("users");
        if (upload == null) {
            String text = context.formParam("users");
            if (text == null) {
                throw ManagementErrors.invalidBody("Payload validation error: missing required"
                        + " field users; send the users file as the form part users.");
            }
            return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        if (upload.size() > MAX_FILE_BYTES) {
            throw tooLarge();
        }
        try (InputStream content = upload.content()) {
            return content.readAllBytes();
        } catch (IOException e) {
            throw ManagementErrors.invalidBody("The users file could not be read; send it"
                    + " again.");
        }
    }

    private static ProtocolError tooLarge() {
        return ProtocolError.of(413, "request_too_large", "The users file is larger than "
                + MAX_FILE_BYTES / 1024 + " KiB (Auth0's limit too); split it into several"
                + " imports.");
    }

    private static String problemsJson(UserImport.Summary summary) {
        try {
            return Json.MAPPER.writeValueAsString(summary.problems().stream()
                    .limit(MAX_STORED_PROBLEMS).map(UserImport.Problem::view).toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Import problems are not JSON", e);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored import problems are not JSON", e);
        }
    }
}
