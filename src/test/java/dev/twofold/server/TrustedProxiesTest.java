package dev.twofold.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    private static final TrustedProxies PROXIES =
            TrustedProxies.parse("10.0.0.0/8, 192.0.2.7, fd00::/8");

    @Test
    void clientIpWhenPeerIsNotTrustedThenThePeerWhateverTheHeaderSays() {
        assertThat(PROXIES.clientIp("203.0.113.1", List.of("198.51.100.4")))
                .isEqualTo("203.0.113.1");
        assertThat(TrustedProxies.NONE.clientIp("10.1.2.3", List.of("198.51.100.4")))
                .isEqualTo("10.1.2.3");
    }

    @Test
    void clientIpWhenPeerIsTrustedThenTheRightMostUntrustedHop() {
        assertThat(PROXIES.clientIp("10.1.2.3",
                List.of("198.51.100.66, 203.0.113.5", "10.200.0.1, 192.0.2.7")))
                .isEqualTo("203.0.113.5");
    }

    @Test
    void clientIpWhenEveryHopIsTrustedThenTheLeftMost() {
        assertThat(PROXIES.clientIp("192.0.2.7", List.of("10.0.0.9, 10.0.0.8")))
                .isEqualTo("10.0.0.9");
        assertThat(PROXIES.clientIp("192.0.2.7", List.of())).isEqualTo("192.0.2.7");
    }

    @Test
    void clientIpWhenIpv6ProxyAndBracketedClientThenTheClient() {
        assertThat(PROXIES.clientIp("fd12::1", List.of("[2001:db8::5]")))
                .isEqualTo("2001:db8::5");
    }

    @Test
    void clientIpWhenAHopIsNotAnAddressThenTheProxyThatForwardedIt() {
        assertThat(PROXIES.clientIp("10.0.0.1", List.of("198.51.100.9, unknown, 10.0.0.2")))
                .isEqualTo("10.0.0.2");
        assertThat(PROXIES.clientIp("10.0.0.1", List.of("evil.example")))
                .isEqualTo("10.0.0.1");
    }

    @Test
    void clientIpWhenPrefixIsNotAByteBoundaryThenOnlyTheBlockIsTrusted() {
        TrustedProxies proxies = TrustedProxies.parse("172.16.0.0/12");

        assertThat(proxies.clientIp("172.31.255.255", List.of("203.0.113.8")))
                .isEqualTo("203.0.113.8");
        assertThat(proxies.clientIp("172.32.0.1", List.of("203.0.113.8")))
                .isEqualTo("172.32.0.1");
    }

    @Test
    void parseWhenEntryIsWrongThenConfigurationErrorNamingIt() {
        for (String wrong : List.of("10.0.0.0/33", "proxy.example", "10.0.0/8", "::1/129",
                "10.0.0.1/x")) {
            assertThatThrownBy(() -> TrustedProxies.parse(wrong))
                    .isInstanceOf(Settings.ConfigurationException.class)
                    .hasMessageContaining("TWOFOLD_TRUSTED_PROXIES")
                    .hasMessageContaining(wrong);
        }
    }
}
