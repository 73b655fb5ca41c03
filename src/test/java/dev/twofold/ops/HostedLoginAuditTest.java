package dev.twofold.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.login.HostedLoginClient;
import dev.twofold.store.User;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The hosted login page leaves the same audit entries as the password grants do. */
class HostedLoginAuditTest {

    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    private static TestServer server;
    private static User alice;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().publicClient();
        alice = server.fixtures().alice();
        server.fixtures().mfaPolicy("never");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void hostedLoginWhenRightWrongAndUnknownThenSFpFuWithTheirUsers() {
        int before = server.server().services().auditLog().list(query(Map.of())).size();

        submit(Fixtures.ALICE, "Wrong-Horse-1");
        submit("nobody@example.com", "Wrong-Horse-1");
        String done = submit(Fixtures.ALICE, Fixtures.ALICE_PASSWORD).header("Location");

        assertThat(done).startsWith(Fixtures.REDIRECT_URI + "?code=");
        List<AuditEntry> entries = server.server().services().auditLog().list(query(Map.of()));
        List<AuditEntry> added = entries.subList(before, entries.size()).stream()
                .filter(entry -> List.of("s", "fp", "fu").contains(entry.type())).toList();
        assertThat(added).extracting(AuditEntry::type).containsExactly("fp", "fu", "s");
        assertThat(added.get(0).userId()).isEqualTo(alice.userId());
        assertThat(added.get(1).userId()).isNull();
        assertThat(added.get(2).userId()).isEqualTo(alice.userId());
        assertThat(added).allSatisfy(entry -> {
            assertThat(entry.clientId()).isEqualTo("spa");
            assertThat(entry.ip()).isEqualTo("127.0.0.1");
        });
        assertThat(entries.toString()).doesNotContain("Wrong-Horse-1")
                .doesNotContain(Fixtures.ALICE_PASSWORD);
    }

    private static Http.Answer submit(String email, String password) {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        Http.Answer start = browser.authorize(request());
        return browser.submit(browser.openLogin(start.header("Location")), email, password);
    }

    private static AuditQuery query(Map<String, String> terms) {
        return new AuditQuery(terms, Optional.empty(), true, 100, 0);
    }

    private static Map<String, String> request() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", "spa");
        parameters.put("redirect_uri", Fixtures.REDIRECT_URI);
        parameters.put("scope", "openid");
        parameters.put("state", "audit");
        parameters.put("code_challenge", CHALLENGE);
        parameters.put("code_challenge_method", "S256");
        return parameters;
    }
}
