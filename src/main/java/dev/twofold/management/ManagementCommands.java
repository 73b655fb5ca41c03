package dev.twofold.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import dev.twofold.crypto.Randoms;
import dev.twofold.server.Json;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.server.Setting;
import dev.twofold.server.Settings;
import dev.twofold.store.Client;
import dev.twofold.store.Database;
import dev.twofold.store.User;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The administrative sub-commands of {@code twofold}: {@code client create},
 * {@code client rotate-secret}, {@code user create}, {@code user set-password},
 * {@code user import},
 * {@code keys rotate} and {@code migrate}. They work on the database directly, with the same
 * settings as the server ({@code TWOFOLD_*}; production mode when {@code TWOFOLD_DB_URL} is
 * set), and print their result as JSON; a refusal prints {@code {error, error_description}}
 * to standard error and exits with 1.
 */
public final class ManagementCommands {

    private ManagementCommands() {
    }

    /** Adds the sub-commands; {@code open} builds the services from the settings. */
    public static void addTo(CommandLine commandLine, Map<String, String> environment,
                             Function<Settings, Services> open) {
        Context context = new Context(environment, open);
        commandLine.addSubcommand("client", new CommandLine(new Group("client"))
                .addSubcommand("create", new ClientCreate(context))
                .addSubcommand("rotate-secret", new ClientRotateSecret(context)));
        commandLine.addSubcommand("user", new CommandLine(new Group("user"))
                .addSubcommand("create", new UserCreate(context))
                .addSubcommand("set-password", new UserSetPassword(context))
                .addSubcommand("import", new UserImportCommand(context)));
        commandLine.addSubcommand("keys", new CommandLine(new Group("keys"))
                .addSubcommand("rotate", new KeysRotate(context)));
        commandLine.addSubcommand("migrate", new Migrate(context));
    }

    /** What every command needs: the variables to read settings from, and how to open. */
    record Context(Map<String, String> environment, Function<Settings, Services> open) {

        Settings settings() {
            boolean production = environment.containsKey(Setting.DB_URL.key())
                    && !"dev".equalsIgnoreCase(environment.get(Setting.MODE.key()));
            return Settings.from(production ? Settings.Mode.PRODUCTION : Settings.Mode.DEV,
                    environment);
        }
    }

    /** A command group such as {@code client}; alone it prints its usage. */
    @Command(mixinStandardHelpOptions = true)
    static final class Group implements Runnable {
        private final String name;
        @Spec
        CommandSpec spec;

        Group(String name) {
            this.name = name;
        }

        @Override
        public void run() {
            spec.commandLine().getErr().println("twofold " + name + ": name a sub-command.");
            spec.commandLine().usage(spec.commandLine().getErr());
        }
    }

    /** Opens the services, runs the action, prints its JSON result, closes the database. */
    abstract static class Action implements Callable<Integer> {
        private final Context context;
        @Spec
        CommandSpec spec;

        Action(Context context) {
            this.context = context;
        }

        abstract Object run(Services services);

        /** The exit code after a result was printed. */
        int exitCode(Object result) {
            return 0;
        }

        /** The Management API request that does the same while a server runs, if any. */
        abstract String managementApi();

        @Override
        public Integer call() {
            try {
                return runAndPrint();
            } catch (ProtocolError error) {
                return refuse(error.error(), error.description());
            } catch (Database.Unavailable unavailable) {
                return refuse(unavailable.inUse() ? "database_in_use" : "database_unavailable",
                        unavailable.getMessage() + advice(unavailable));
            } catch (Settings.ConfigurationException invalid) {
                return refuse("invalid_configuration", invalid.getMessage());
            } catch (RuntimeException fault) {
                return refuse("command_failed", "The command failed ("
                        + fault.getClass().getSimpleName() + "); run it again, and if it"
                        + " fails again report it with the server's log.");
            }
        }

        private int runAndPrint() {
            Services services = context.open().apply(context.settings());
            try {
                Object result = run(services);
                print(spec.commandLine().getOut(), result);
                return exitCode(result);
            } finally {
                services.database().close();
            }
        }

        private String advice(Database.Unavailable unavailable) {
            if (!unavailable.inUse()) {
                return "";
            }
            String instead = managementApi().isEmpty() ? ""
                    : ", or leave it running and send " + managementApi() + " with a"
                    + " management token instead (docs/management.md)";
            return " Stop that server first (Ctrl+C where bin/twofold start-dev runs)" + instead
                    + ".";
        }

        private int refuse(String error, String description) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", error);
            body.put("error_description", description);
            print(spec.commandLine().getErr(), body);
            return 1;
        }

        private static void print(PrintWriter out, Object value) {
            try {
                out.println(Json.MAPPER.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(value));
                out.flush();
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("A command result is not JSON", e);
            }
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a client; prints it as JSON with its secret (shown once).")
    static final class ClientCreate extends Action {
        @Option(names = "--name", required = true, description = "Display name.")
        String name;
        @Option(names = "--app-type", defaultValue = "regular_web",
                description = "native, spa, regular_web or non_interactive.")
        String appType;
        @Option(names = "--grant", description = "A grant type; repeat for several.")
        List<String> grants;
        @Option(names = "--callback", description = "A redirect URI; repeat for several.")
        List<String> callbacks;
        @Option(names = "--client-id", description = "The client id (default: generated).")
        String clientId;
        @Option(names = "--management", description = "Also grant every Management API"
                + " scope for client_credentials.")
        boolean management;

        ClientCreate(Context context) {
            super(context);
        }

        @Override
        String managementApi() {
            return "POST /api/v2/clients";
        }

        @Override
        Object run(Services services) {
            ObjectNode body = Json.MAPPER.createObjectNode().put("name", name)
                    .put("app_type", appType);
            if (grants != null) {
                grants.forEach(body.putArray("grant_types")::add);
            }
            if (callbacks != null) {
                callbacks.forEach(body.putArray("callbacks")::add);
            }
            if (clientId != null && services.clients().find(clientId).isPresent()) {
                throw ManagementErrors.conflict("client_exists", "A client with client_id "
                        + clientId + " exists already; choose another id.");
            }
            Clients.WithSecret created = new Clients(services).create(
                    JsonBody.of(body, Clients.FIELDS), Optional.ofNullable(clientId));
            Map<String, Object> result = new LinkedHashMap<>(
                    Clients.view(created.client(), created.secret()));
            if (management) {
                ClientGrant grant = new ClientGrant(Randoms.id("cgr_"),
                        created.client().clientId(), services.managementAudience(),
                        ManagementScopes.ALL, services.clock().millis());
                new ClientGrantStore(services.database()).insert(grant);
                result.put("client_grants", List.of(ClientGrantsEndpoint.view(grant)));
            }
            return result;
        }
    }

    @Command(name = "rotate-secret", mixinStandardHelpOptions = true,
            description = "Replace a client's secret; prints the new one (shown once).")
    static final class ClientRotateSecret extends Action {
        @Option(names = "--client-id", required = true)
        String clientId;

        ClientRotateSecret(Context context) {
            super(context);
        }

        @Override
        String managementApi() {
            return "POST /api/v2/clients/{client_id}/rotate-secret";
        }

        @Override
        Object run(Services services) {
            Clients clients = new Clients(services);
            Clients.WithSecret rotated = clients.rotateSecret(clients.existing(clientId));
            return Clients.view(rotated.client(), rotated.secret());
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a user of the database connection; prints it as JSON.")
    static final class UserCreate extends Action {
        @Option(names = "--email", required = true)
        String email;
        @Option(names = "--password", description = "The password (default: generated and"
                + " printed once). Prefer TWOFOLD_USER_PASSWORD to keep it out of the shell"
                + " history.")
        String password;
        @Option(names = "--name")
        String name;
        @Option(names = "--email-verified", defaultValue = "true", arity = "1")
        boolean emailVerified;

        UserCreate(Context context) {
            super(context);
        }

        @Override
        String managementApi() {
            return "POST /api/v2/users";
        }

        @Override
        Object run(Services services) {
            Optional<String> given = Optional.ofNullable(password)
                    .or(() -> Optional.ofNullable(services.settings()
                            .get(Setting.USER_PASSWORD).orElse(null)));
            String chosen = given.orElseGet(() -> "Pw-" + Randoms.urlSafe(15));
            ObjectNode body = Json.MAPPER.createObjectNode()
                    .put("connection", User.DEFAULT_CONNECTION).put("email", email)
                    .put("password", chosen).put("email_verified", emailVerified);
            if (name != null) {
                body.put("name", name);
            }
            User user = new Users(services).create(JsonBody.of(body, Users.CREATE_FIELDS));
            Map<String, Object> result = new LinkedHashMap<>(Users.view(user));
            if (given.isEmpty()) {
                result.put("password", chosen);
            }
            return result;
        }
    }

    @Command(name = "set-password", mixinStandardHelpOptions = true,
            description = "Set a user's password; sets password_changed_at.")
    static final class UserSetPassword extends Action {
        @Option(names = "--email", required = true)
        String email;
        @Option(names = "--password", required = true)
        String password;

        UserSetPassword(Context context) {
            super(context);
        }

        @Override
        String managementApi() {
            return "PATCH /api/v2/users/{user_id} with {\"password\":…}";
        }

        @Override
        Object run(Services services) {
            User user = services.users().findByEmail(User.DEFAULT_CONNECTION, email)
                    .orElseThrow(() -> ManagementErrors.notFound("user", "No user has the"
                            + " email " + email + " in " + User.DEFAULT_CONNECTION + "."));
            ObjectNode body = Json.MAPPER.createObjectNode().put("password", password);
            return Users.view(new Users(services).update(user.userId(),
                    JsonBody.of(body, Users.UPDATE_FIELDS)));
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true, description = "Create users"
            + " from an Auth0 users file (a JSON array in the bulk-import format, or the"
            + " password-hash export, one JSON object a line) with their bcrypt hashes. Prints"
            + " counts and the rows not imported; exits with 2 when a row was refused.")
    static final class UserImportCommand extends Action {
        @CommandLine.Parameters(index = "0", paramLabel = "FILE",
                description = "The users file.")
        java.nio.file.Path file;

        UserImportCommand(Context context) {
            super(context);
        }

        @Override
        String managementApi() {
            return "POST /api/v2/jobs/users-imports";
        }

        @Override
        Object run(Services services) {
            byte[] content;
            try {
                content = java.nio.file.Files.readAllBytes(file);
            } catch (java.io.IOException e) {
                throw ProtocolError.of(400, "invalid_file", "Cannot read " + file + " ("
                        + e.getClass().getSimpleName() + "); name a readable users file.");
            }
            return new UserImport(services).run(content).view();
        }

        @Override
        int exitCode(Object result) {
            return ((Map<?, ?>) result).get("refused").equals(0) ? 0 : 2;
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true, description = "Replace the"
            + " active signing key; the old one stays published until its tokens expire.")
    static final class KeysRotate extends Action {
        @Option(names = "--alg", defaultValue = "RS256", description = "RS256 or ES256.")
        String alg;

        KeysRotate(Context context) {
            super(context);
        }

        @Override
        String managementApi() {
            return "";
        }

        @Override
        Object run(Services services) {
            Clients.checkOneOf("--alg", alg, java.util.Set.of("RS256", "ES256"));
            services.signingKeys().ensureKeys();
            String keyId = services.signingKeys().rotate(JWSAlgorithm.parse(alg));
            return Map.of("kid", keyId, "alg", alg);
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = "Bring the database schema to the current version, then exit.")
    static final class Migrate extends Action {

        Migrate(Context context) {
            super(context);
        }

        @Override
        String managementApi() {
            return "";
        }

        @Override
        Object run(Services services) {
            String version = services.database().withHandle(handle -> handle.createQuery(
                    "SELECT version FROM flyway_schema_history WHERE success = TRUE"
                            + " AND version IS NOT NULL ORDER BY installed_rank DESC")
                    .mapTo(String.class).findFirst().orElse("none"));
            return Map.of("status", "migrated", "schema_version", version);
        }
    }
}
