package dev.twofold.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.mfa.device.RememberedDeviceStore;
import dev.twofold.store.User;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DELETE /api/v2/users/{id}/remembered-devices: an administrator ends them all. */
class RememberedDevicesAdminTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void deleteWhenAdministratorForgetsDevicesThenNoneHonoured() {
        User user = server.fixtures().user("devices-admin@example.com", "Devices-Password-1");
        RememberedDeviceStore devices = new RememberedDeviceStore(server.server().services());
        String browser = devices.remember(user.userId(), "spa", RememberedDeviceStore.BROWSER);
        String api = devices.remember(user.userId(), "c1", RememberedDeviceStore.API);
        assertThat(devices.honours(browser, user, "spa")).isTrue();

        Http.Answer answer = server.http().delete("/api/v2/users/" + user.userId().replace("|", "%7C")
                + "/remembered-devices", ManagementTokens.all(server));
        Http.Answer withoutScope = server.http().delete("/api/v2/users/" + user.userId().replace("|", "%7C")
                + "/remembered-devices", ManagementTokens.withScopes(server,
                List.of("read:users")));

        assertThat(answer.status()).isEqualTo(204);
        assertThat(withoutScope.status()).isEqualTo(403);
        assertThat(devices.honours(browser, user, "spa")).isFalse();
        assertThat(devices.honours(api, user, "c1")).isFalse();
        assertThat(devices.list(user.userId())).isEmpty();
    }
}
