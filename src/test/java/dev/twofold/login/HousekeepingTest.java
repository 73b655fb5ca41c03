package dev.twofold.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.oauth.authorize.PendingAuthorizationStore;
import dev.twofold.server.Services;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HousekeepingTest {

    private static int count(Services services, String table) {
        return services.database().withHandle(handle -> handle.createQuery(
                "SELECT COUNT(*) FROM " + table).mapTo(Integer.class).one());
    }

    @Test
    void runWhenRowsLongExpiredThenDeletedAndFreshRowsKept() {
        try (TestServer server = TestServer.start()) {
            server.fixtures().confidentialClient();
            server.fixtures().alice();
            Services services = server.server().services();
            Map<String, String> request = Map.of("response_type", "code", "client_id", "c1",
                    "redirect_uri", Fixtures.REDIRECT_URI, "scope", "openid");
            new HostedLoginClient(server.issuer()).login(request, Fixtures.ALICE,
                    Fixtures.ALICE_PASSWORD);
            new HostedLoginClient(server.issuer()).authorize(request);
            Housekeeping housekeeping = new Housekeeping(services.database(), server.clock(),
                    new PendingAuthorizationStore(services.database(), server.clock()));

            int freshDeleted = housekeeping.run();
            server.clock().advance(Duration.ofDays(5));
            int oldDeleted = housekeeping.run();

            assertThat(freshDeleted).isZero();
            assertThat(oldDeleted).isEqualTo(3);
            assertThat(count(services, "authorize_requests")).isZero();
            assertThat(count(services, "authorization_codes")).isZero();
            assertThat(count(services, "browser_sessions")).isZero();
        }
    }
}
