package dev.twofold.testing;

import java.util.List;

/**
 * Several Twofold nodes sharing one database, one encryption key, one issuer and one clock,
 * started by {@link TestServer#startNodes}. {@link #node(int)} wraps around, so
 * {@code node(request)} sends consecutive requests to consecutive nodes.
 */
public final class TestNodes implements AutoCloseable {

    private final List<TestServer> nodes;
    private final TestClock clock;

    TestNodes(List<TestServer> nodes, TestClock clock) {
        this.nodes = List.copyOf(nodes);
        this.clock = clock;
    }

    public int size() {
        return nodes.size();
    }

    /** The node {@code index} modulo the number of nodes. */
    public TestServer node(int index) {
        return nodes.get(Math.floorMod(index, nodes.size()));
    }

    public List<TestServer> all() {
        return nodes;
    }

    public TestClock clock() {
        return clock;
    }

    /** The HTTP client of node {@code index} modulo the number of nodes. */
    public Http http(int index) {
        return node(index).http();
    }

    public Fixtures fixtures() {
        return nodes.get(0).fixtures();
    }

    @Override
    public void close() {
        // The first node drops the shared schema, so it closes last.
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
    }
}
