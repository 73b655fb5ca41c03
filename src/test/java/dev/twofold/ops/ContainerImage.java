package dev.twofold.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The container image as a runtime sees it, without a runtime: builds the tar with the pom's
 * {@code container} profile (Jib, no Docker daemon), unpacks its layers in order into a root
 * file system and reads the image config. Jib writes no whiteout files, so layers are simply
 * extracted on top of each other. Not thread-safe; one per test class.
 */
final class ContainerImage {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final JsonNode config;

    private ContainerImage(Path root, JsonNode config) {
        this.root = root;
        this.config = config;
    }

    /** Runs the same Maven goals as {@code ./mvnw -Pcontainer package}, for the image only. */
    static Path build(Path log) {
        ProcessBuilder maven = new ProcessBuilder("./mvnw", "-B", "-q", "-Pcontainer",
                "exec:exec@assemble-base", "jib:buildTar");
        maven.environment().put("JAVA_HOME", System.getProperty("java.home"));
        run(maven, log, Duration.ofMinutes(8));
        return Path.of("target/twofold-image.tar");
    }

    /** Unpacks the image tar into {@code folder}: {@code folder/root} is the file system. */
    static ContainerImage unpack(Path imageTar, Path folder) throws IOException {
        Path log = folder.resolve("tar.log");
        run(List.of("tar", "-xf", imageTar.toAbsolutePath().toString(), "-C", folder.toString()),
                log, Duration.ofMinutes(1));
        JsonNode manifest = JSON.readTree(folder.resolve("manifest.json").toFile()).get(0);
        Path root = Files.createDirectories(folder.resolve("root"));
        for (JsonNode layer : manifest.get("Layers")) {
            run(List.of("tar", "--warning=no-unknown-keyword", "-xzf",
                    folder.resolve(layer.asText()).toString(), "-C", root.toString()),
                    log, Duration.ofMinutes(1));
        }
        JsonNode config = JSON.readTree(folder.resolve(manifest.get("Config").asText()).toFile());
        return new ContainerImage(root, config.get("config"));
    }

    Path root() {
        return root;
    }

    List<String> entrypoint() {
        return strings(config.get("Entrypoint"));
    }

    List<String> command() {
        return strings(config.get("Cmd"));
    }

    String user() {
        return config.path("User").asText();
    }

    String workingDirectory() {
        return config.path("WorkingDir").asText("/");
    }

    List<String> exposedPorts() {
        List<String> ports = new ArrayList<>();
        config.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        return ports;
    }

    Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String entry : strings(config.get("Env"))) {
            int equals = entry.indexOf('=');
            environment.put(entry.substring(0, equals), entry.substring(equals + 1));
        }
        return environment;
    }

    /**
     * The device nodes every container runtime creates in /dev (the image has no /dev): the
     * JDK and native libraries read /dev/urandom.
     */
    void addRuntimeDevices() throws IOException {
        Path dev = Files.createDirectories(root.resolve("dev"));
        Map<String, String> minors = Map.of("null", "3", "zero", "5", "random", "8",
                "urandom", "9");
        for (Map.Entry<String, String> device : minors.entrySet()) {
            Path node = dev.resolve(device.getKey());
            if (!Files.exists(node)) {
                run(List.of("mknod", "-m", "666", node.toString(), "c", "1", device.getValue()),
                        root.resolveSibling("mknod.log"), Duration.ofSeconds(10));
            }
        }
        Files.createDirectories(root.resolve("proc"));
    }

    /**
     * Starts the entrypoint and command as the image's user, with the image's environment plus
     * {@code overrides} and nothing from this process: in new mount and PID namespaces, with
     * the unpacked root as / and a fresh /proc, sharing this machine's network (loopback).
     * Stopping the returned process sends SIGTERM to the node.
     */
    Process start(Map<String, String> overrides, Path log) throws IOException {
        String[] ids = user().split(":");
        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork",
                "--kill-child=SIGTERM", "--mount-proc", "--root=" + root,
                "--wd=" + workingDirectory(), "--setuid=" + ids[0],
                "--setgid=" + (ids.length > 1 ? ids[1] : ids[0])));
        command.addAll(entrypoint());
        command.addAll(command());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment());
        builder.environment().putAll(overrides);
        return builder.start();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array != null) {
            array.forEach(value -> values.add(value.asText()));
        }
        return values;
    }

    private static void run(List<String> command, Path log, Duration limit) {
        run(new ProcessBuilder(command), log, limit);
    }

    private static void run(ProcessBuilder builder, Path log, Duration limit) {
        List<String> command = builder.command();
        try {
            Process process = builder.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " took longer than " + limit + "; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(command + " failed with exit code "
                        + process.exitValue() + ":\n" + tail(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
