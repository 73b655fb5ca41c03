package dev.twofold.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.ops.AuditEntry;
import dev.twofold.ops.AuditQuery;
import dev.twofold.store.User;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Deleting a user through the Management API leaves Auth0's "du" entry in the audit log. */
class UserDeletionAuditTest {

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
    void deleteUserWhenManagementApiThenDuWithTheUserAndTheAdminClient() {
        User doomed = server.fixtures().user("doomed@example.com", "Doomed-Password-1");

        Http.Answer deleted = server.http().delete("/api/v2/users/" + doomed.userId().replace("|", "%7C"),
                ManagementTokens.all(server));

        assertThat(deleted.status()).isEqualTo(204);
        List<AuditEntry> entries = server.server().services().auditLog().list(
                new AuditQuery(Map.of("type", "du"), Optional.empty(), true, 100, 0));
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).userId()).isEqualTo(doomed.userId());
        assertThat(entries.get(0).clientId()).isEqualTo("mgmt");
    }
}
