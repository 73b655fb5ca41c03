package dev.twofold.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The client IP of a request behind reverse proxies ({@code TWOFOLD_TRUSTED_PROXIES}, a comma
 * separated list of addresses and CIDR blocks, none by default). When the TCP peer is a
 * trusted proxy, the client is the right-most address of {@code X-Forwarded-For} that is not
 * a trusted proxy; otherwise the header is ignored, so a client cannot forge its address.
 * Immutable and thread-safe.
 */
public final class TrustedProxies {

    static final String SETTING = "TWOFOLD_TRUSTED_PROXIES";
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    /** One address block: the network's bytes and how many leading bits must match. */
    private record Block(byte[] network, int prefixBits) {

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefixBits / 8;
            for (int index = 0; index < whole; index++) {
                if (address[index] != network[index]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return rest == 0 || (address[whole] & mask) == (network[whole] & mask);
        }
    }

    private final List<Block> blocks;

    private TrustedProxies(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /** No proxy is trusted: the client IP is always the TCP peer. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    public static TrustedProxies from(Settings settings) {
        return parse(settings.get(Setting.TRUSTED_PROXIES).orElse(""));
    }

    /** Parses the setting's value; a wrong entry stops start-up naming it. */
    static TrustedProxies parse(String value) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : value.split(",")) {
            if (!entry.isBlank()) {
                blocks.add(block(entry.strip()));
            }
        }
        return new TrustedProxies(blocks);
    }

    private static Block block(String entry) {
        String[] parts = entry.split("/", -1);
        Optional<byte[]> address = literal(parts[0]);
        if (parts.length > 2 || address.isEmpty()) {
            throw invalid(entry);
        }
        int maxBits = address.get().length * 8;
        int bits;
        try {
            bits = parts.length == 1 ? maxBits : Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw invalid(entry);
        }
        if (bits < 0 || bits > maxBits) {
            throw invalid(entry);
        }
        return new Block(address.get(), bits);
    }

    private static Settings.ConfigurationException invalid(String entry) {
        return new Settings.ConfigurationException(SETTING + " must list IP addresses or CIDR"
                + " blocks separated by commas, such as 10.0.0.0/8, 192.0.2.7, fd00::/8; '"
                + entry + "' is neither.");
    }

    /**
     * The client's address: the peer itself unless it is trusted; else, walking
     * {@code X-Forwarded-For} from the right, the first address that is not trusted (or the
     * left-most when all are). An entry that is not an IP address ends the walk at the proxy
     * that added it.
     *
     * @param forwardedFor every {@code X-Forwarded-For} header line, in order
     */
    public String clientIp(String peer, List<String> forwardedFor) {
        if (blocks.isEmpty() || !trusted(peer)) {
            return peer;
        }
        List<String> hops = forwardedFor.stream()
                .flatMap(line -> Arrays.stream(line.split(",")))
                .map(String::strip)
                .filter(hop -> !hop.isEmpty())
                .toList();
        String client = peer;
        for (int index = hops.size() - 1; index >= 0; index--) {
            String hop = unbracketed(hops.get(index));
            if (literal(hop).isEmpty()) {
                return client;
            }
            client = hop;
            if (!trusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    private boolean trusted(String address) {
        Optional<byte[]> bytes = literal(address);
        return bytes.isPresent() && blocks.stream().anyMatch(block -> block.contains(
                bytes.get()));
    }

    private static String unbracketed(String hop) {
        return hop.startsWith("[") && hop.endsWith("]") ? hop.substring(1, hop.length() - 1)
                : hop;
    }

    /** The bytes of an IPv4 or IPv6 literal; anything else is refused before any lookup. */
    private static Optional<byte[]> literal(String text) {
        if (text == null || !(IPV4.matcher(text).matches()
                || text.contains(":") && IPV6_CHARACTERS.matcher(text).matches())) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text).getAddress());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
