package dev.twofold.management;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.twofold.server.Json;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.User;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Creates users from a file in one of Auth0's two user formats: the bulk-import format (a JSON
 * array of users, the password as {@code custom_password_hash} with algorithm {@code bcrypt}
 * or as {@code password_hash}) and the password-hash export Auth0 support delivers (one JSON
 * object a line, with {@code _id}, {@code email} and {@code passwordHash}). Each row is one
 * database transaction: a refused row does not stop the others, and a user whose email (any
 * case) or user_id exists already is skipped. The hashes are stored as they are and verified
 * at login; no report or error names one. Thread-safe.
 */
final class UserImport {

    /** The members of a row that become the user; others (Auth0's export has many) are left. */
    private static final Set<String> PROFILE_TEXT = Set.of("name", "given_name", "family_name",
            "nickname", "picture");
    private static final Set<String> PROFILE_OTHER = Set.of("email_verified", "blocked",
            "user_metadata", "app_metadata");

    /** What happened to one row. */
    enum Outcome {
        IMPORTED, SKIPPED_DUPLICATE, REFUSED;

        String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One row of the file: its 0-based position, the line it starts on, and its JSON. */
    record Row(int index, int line, Optional<JsonNode> json, String parseError) {
    }

    /** A row that was not imported, and why; never holds the row's hash. */
    record Problem(Row row, Outcome outcome, Optional<String> email, String reason) {

        Map<String, Object> view() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("index", row.index());
            body.put("line", row.line());
            body.put("outcome", outcome.code());
            email.ifPresent(value -> body.put("email", value));
            body.put("reason", reason);
            return body;
        }
    }

    /** Counts of one import and the rows that were not imported. */
    record Summary(int total, int imported, int duplicates, int refused,
                   List<Problem> problems) {

        Map<String, Object> view() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("total", total);
            body.put("imported", imported);
            body.put("skipped_duplicates", duplicates);
            body.put("refused", refused);
            body.put("problems", problems.stream().map(Problem::view).toList());
            return body;
        }
    }

    private final Users users;

    UserImport(Services services) {
        this.users = new Users(services);
    }

    /** Imports every row of the file; a file that cannot be read as rows is refused whole. */
    Summary run(byte[] file) {
        List<Row> rows = rows(utf8(file));
        List<Problem> problems = new ArrayList<>();
        int imported = 0;
        for (Row row : rows) {
            Optional<Problem> problem = importRow(row);
            problem.ifPresent(problems::add);
            imported += problem.isEmpty() ? 1 : 0;
        }
        int duplicates = (int) problems.stream()
                .filter(problem -> problem.outcome() == Outcome.SKIPPED_DUPLICATE).count();
        return new Summary(rows.size(), imported, duplicates,
                problems.size() - duplicates, List.copyOf(problems));
    }

    private Optional<Problem> importRow(Row row) {
        if (row.json().isEmpty()) {
            return Optional.of(new Problem(row, Outcome.REFUSED, Optional.empty(),
                    row.parseError()));
        }
        JsonNode json = row.json().get();
        Optional<String> email = Optional.ofNullable(json.get("email"))
                .filter(JsonNode::isTextual).map(JsonNode::asText);
        try {
            users.create(JsonBody.of(createBody(json), Users.CREATE_FIELDS));
            return Optional.empty();
        } catch (ProtocolError error) {
            Outcome outcome = error.error().equals("user_exists") ? Outcome.SKIPPED_DUPLICATE
                    : Outcome.REFUSED;
            String reason = outcome == Outcome.SKIPPED_DUPLICATE
                    ? "A user with this email (in any case) or this user_id exists already."
                    : error.description();
            return Optional.of(new Problem(row, outcome, email, reason));
        }
    }

    /** The row as a body of POST /api/v2/users, whose checks then apply to it. */
    static ObjectNode createBody(JsonNode row) {
        if (!(row instanceof ObjectNode object)) {
            throw ManagementErrors.invalidBody("The row is a JSON " + JsonBody.kind(row)
                    + "; each user is a JSON object with at least email and a password hash.");
        }
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("connection", User.DEFAULT_CONNECTION);
        copy(object, body, "email");
        PROFILE_TEXT.forEach(field -> copy(object, body, field));
        PROFILE_OTHER.forEach(field -> copy(object, body, field));
        userId(object).ifPresent(id -> body.put("user_id", id));
        body.put("password_hash", bcryptHash(object));
        return body;
    }

    private static void copy(ObjectNode from, ObjectNode to, String field) {
        if (from.has(field) && !from.get(field).isNull()) {
            to.set(field, from.get(field));
        }
    }

    /** Auth0's user_id (with or without {@code auth0|}), or the export's {@code _id}. */
    private static Optional<String> userId(ObjectNode row) {
        JsonNode id = row.has("user_id") ? row.get("user_id") : row.get("_id");
        if (id != null && id.isObject() && id.has("$oid")) {
            id = id.get("$oid"); // MongoDB extended JSON, as the export writes it
        }
        if (id == null || id.isNull()) {
            return Optional.empty();
        }
        if (!id.isTextual()) {
            throw JsonBody.wrongType(row.has("user_id") ? "user_id" : "_id", id, "a string");
        }
        return Optional.of(id.asText());
    }

    private static String bcryptHash(ObjectNode row) {
        JsonNode custom = row.get("custom_password_hash");
        if (custom != null && !custom.isNull()) {
            return customHash(custom);
        }
        for (String field : List.of("password_hash", "passwordHash")) {
            JsonNode hash = row.get(field);
            if (hash != null && !hash.isNull()) {
                return checkedBcrypt(field, hash);
            }
        }
        throw ManagementErrors.invalidBody("The row has no password hash (custom_password_hash,"
                + " password_hash or passwordHash). Create this user with POST /api/v2/users"
                + " and a password, or ask Auth0 support for the export with password hashes.");
    }

    private static String customHash(JsonNode custom) {
        JsonNode algorithm = custom.path("algorithm");
        if (!algorithm.isTextual() || !algorithm.asText().equals("bcrypt")) {
            throw ManagementErrors.invalidBody("custom_password_hash.algorithm is "
                    + (algorithm.isTextual() ? algorithm.asText() : "missing")
                    + "; Twofold verifies bcrypt hashes only. Import these users with their"
                    + " bcrypt hash, or create them with a new password.");
        }
        return checkedBcrypt("custom_password_hash.hash.value", custom.path("hash").path("value"));
    }

    private static String checkedBcrypt(String field, JsonNode hash) {
        if (!hash.isTextual() || !Users.isBcrypt(hash.asText())) {
            // The value itself is never quoted: it may be a real hash in the wrong place.
            throw ManagementErrors.invalidBody(field + " is not a bcrypt hash ($2a$, $2b$ or"
                    + " $2y$, a two-digit cost, then 53 characters of salt and hash).");
        }
        return hash.asText();
    }

    /** Splits the file into rows: a JSON array, or one JSON object a line. */
    static List<Row> rows(String text) {
        String content = text.startsWith("\uFEFF") ? text.substring(1) : text;
        if (content.isBlank()) {
            throw ManagementErrors.invalidBody("The users file is empty; send a JSON array of"
                    + " users or one JSON object a line.");
        }
        return content.strip().startsWith("[") ? arrayRows(content) : lineRows(content);
    }

    private static List<Row> arrayRows(String content) {
        List<Row> rows = new ArrayList<>();
        try (JsonParser parser = Json.MAPPER.createParser(content)) {
            parser.nextToken();
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY;
                 token = parser.nextToken()) {
                if (token == null) {
                    throw notJson(parser.currentLocation(), "the array is not closed");
                }
                int line = parser.currentTokenLocation().getLineNr();
                rows.add(new Row(rows.size(), line, Optional.of(parser.readValueAsTree()), ""));
            }
            if (parser.nextToken() != null) {
                throw notJson(parser.currentTokenLocation(), "there is more after the array");
            }
        } catch (JsonProcessingException e) {
            // Jackson's message may quote the file, so only the place is reported.
            throw notJson(e.getLocation(), "a syntax error");
        } catch (IOException e) {
            throw new IllegalStateException("Reading a string failed", e);
        }
        return rows;
    }

    private static ProtocolError notJson(JsonLocation location, String why) {
        String where = location == null ? "" : " at line " + location.getLineNr()
                + ", column " + location.getColumnNr();
        return ManagementErrors.invalidBody("The users file is not a valid JSON array" + where
                + " (" + why + "); nothing was imported. Fix the file, or send one JSON object"
                + " a line.");
    }

    private static List<Row> lineRows(String content) {
        List<Row> rows = new ArrayList<>();
        String[] lines = content.split("\r?\n", -1);
        for (int number = 1; number <= lines.length; number++) {
            String line = lines[number - 1];
            if (line.isBlank()) {
                continue;
            }
            rows.add(lineRow(rows.size(), number, line));
        }
        return rows;
    }

    private static Row lineRow(int index, int number, String line) {
        try {
            return new Row(index, number, Optional.of(Json.MAPPER.readTree(line)), "");
        } catch (JsonProcessingException e) {
            return new Row(index, number, Optional.empty(), "Line " + number + " is not valid"
                    + " JSON (column " + e.getLocation().getColumnNr() + "); each line is one"
                    + " user as a JSON object.");
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ManagementErrors.invalidBody("The users file is not valid UTF-8.");
        }
    }
}
