package dev.twofold.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A Twofold node in a JVM of its own: {@code dev.twofold.server.Main start-dev} on the test's
 * class path, with exactly the {@code TWOFOLD_*} variables given (none inherited from the
 * test's environment), its output written to {@code target/node-logs/<name>.log}. For tests
 * that in-JVM nodes cannot stand in for: a SIGKILL, or nodes that share nothing but the
 * database. Every process still running when the test JVM exits is killed. Not thread-safe.
 */
public final class NodeProcess implements AutoCloseable {

    /** The build's folder for node logs (surefire runs in the project folder). */
    public static final Path LOGS = Path.of(System.getProperty("basedir", "."), "target",
            "node-logs");
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
    // C1 only, the serial collector and a small heap: three nodes and the test share 2 cores.
    private static final List<String> JVM_FLAGS = List.of("-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC", "-Xss512k", "-Xmx192m", "-Xshare:auto");

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> RUNNING.forEach(Process::destroyForcibly), "node-process-reaper"));
    }

    private final String name;
    private final Map<String, String> environment;
    private final Path log;
    private final Http http;
    private Process process;

    private NodeProcess(String name, Map<String, String> environment) {
        this.name = name;
        this.environment = Map.copyOf(environment);
        this.log = LOGS.resolve(name + ".log");
        this.http = new Http("http://127.0.0.1:" + port() + "/");
    }

    /**
     * Starts a node without waiting for it; {@link #awaitReady} waits. When the environment
     * has none, {@code TWOFOLD_PORT} is a free loopback port and {@code TWOFOLD_DATA_DIR} is
     * {@code target/node-logs/<name>-data}. The log starts empty.
     */
    public static NodeProcess launch(String name, Map<String, String> environment) {
        Map<String, String> values = new HashMap<>(environment);
        values.putIfAbsent("TWOFOLD_PORT", Integer.toString(freePort()));
        values.putIfAbsent("TWOFOLD_DATA_DIR", LOGS.resolve(name + "-data").toString());
        NodeProcess node = new NodeProcess(name, values);
        try {
            Files.createDirectories(LOGS);
            Files.deleteIfExists(node.log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        node.spawn();
        return node;
    }

    /** Waits until {@code GET /health/ready} answers 200; fails with the log's tail if not. */
    public NodeProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("Node " + name + " exited with " + process.exitValue()
                        + " while starting:\n" + tail(40));
            }
            if (ready()) {
                return this;
            }
            pause(100);
        }
        throw new AssertionError("Node " + name + " was not ready within " + timeout + ":\n"
                + tail(40));
    }

    private boolean ready() {
        try {
            return http.get("/health/ready").status() == 200;
        } catch (RuntimeException notListeningYet) {
            return false;
        }
    }

    /** Kills the process with SIGKILL (no shutdown hook runs) and waits until it is gone. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(process);
    }

    /** Kills the node and starts it again on the same port; its log is appended to. */
    public void restart(Duration timeout) {
        kill();
        spawn();
        awaitReady(timeout);
    }

    public String name() {
        return name;
    }

    public int port() {
        return Integer.parseInt(environment.get("TWOFOLD_PORT"));
    }

    /** The variables the node was started with. */
    public Map<String, String> environment() {
        return environment;
    }

    public Http http() {
        return http;
    }

    public Path log() {
        return log;
    }

    /** The last {@code lines} lines of the node's output. */
    public String tail(int lines) {
        String text = lastBytes(log, 64 * 1024);
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @Override
    public void close() {
        kill();
    }

    private void spawn() {
        ProcessBuilder builder = new ProcessBuilder(command("start-dev"));
        builder.environment().keySet().removeIf(variable -> variable.startsWith("TWOFOLD_"));
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RUNNING.add(process);
    }

    /** What a finished command printed: its exit code, standard output and error. */
    public record Completed(int exitCode, String output, String errors) {
    }

    /**
     * Runs one {@code twofold} command (e.g. {@code keys rotate}) in its own JVM with exactly
     * these variables, as an operator would on a node's machine, and waits for it to end.
     */
    public static Completed run(Map<String, String> environment, Duration timeout,
                                String... arguments) {
        ProcessBuilder builder = new ProcessBuilder(command(arguments));
        builder.environment().keySet().removeIf(variable -> variable.startsWith("TWOFOLD_"));
        builder.environment().putAll(environment);
        try {
            Path output = Files.createTempFile("twofold-command", ".out");
            Path errors = Files.createTempFile("twofold-command", ".err");
            builder.redirectOutput(output.toFile()).redirectError(errors.toFile());
            Process command = builder.start();
            RUNNING.add(command);
            boolean ended = command.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            command.destroyForcibly();
            RUNNING.remove(command);
            Completed completed = new Completed(ended ? command.exitValue() : -1,
                    Files.readString(output), Files.readString(errors));
            Files.delete(output);
            Files.delete(errors);
            return completed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> command(String... arguments) {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "dev.twofold.server.Main"));
        command.addAll(List.of(arguments));
        return command;
    }

    /** A loopback port that was free a moment ago. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String lastBytes(Path file, int count) {
        try (RandomAccessFile reader = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, reader.length() - count);
            byte[] bytes = new byte[(int) (reader.length() - start)];
            reader.seek(start);
            reader.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log at " + file + ": " + e.getMessage() + ")";
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
