package dev.twofold.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.twofold.crypto.Randoms;
import dev.twofold.ops.AuditEntry;
import dev.twofold.ops.AuditQuery;
import dev.twofold.store.User;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A user's authenticators, the Guardian factors and policy, and enrollment tickets. */
class MfaManagementApiTest {

    private static TestServer server;
    private static String token;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        token = ManagementTokens.all(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Writes an authenticator row as the mfa module stores it (V1 schema). */
    private static String enroll(String userId, String kind, boolean active, String phone) {
        String id = kind + "|dev_" + Randoms.urlSafe(12);
        long now = server.clock().millis();
        String sealed = phone == null ? null
                : server.server().services().secretBox().seal("authenticators.phone_enc", phone);
        server.server().services().database().inTransaction(handle -> handle.createUpdate(
                "INSERT INTO authenticators (id, user_id, kind, active, phone_enc, created_at,"
                        + " confirmed_at) VALUES (:id, :user, :kind, :active, :phone, :now,"
                        + " :confirmed)")
                .bind("id", id).bind("user", userId).bind("kind", kind).bind("active", active)
                .bind("phone", sealed).bind("now", now)
                .bind("confirmed", active ? (Long) now : null).execute());
        return id;
    }

    private static int count(String userId) {
        return server.server().services().database().withHandle(handle -> handle.createQuery(
                "SELECT COUNT(*) FROM authenticators WHERE user_id = :user")
                .bind("user", userId).mapTo(Integer.class).one());
    }

    private static User user(String email) {
        return server.fixtures().user(email, "Correct-Horse-9");
    }

    @Test
    void enrollmentsWhenUserHasSmsAndTotpThenListedWithoutRecoveryCode() {
        User user = user("m1@example.com");
        String totp = enroll(user.userId(), "totp", true, null);
        String sms = enroll(user.userId(), "sms", true, "+15555550100");
        enroll(user.userId(), "recovery-code", true, null);

        Http.Answer answer = server.http().get("/api/v2/users/" + encode(user.userId())
                + "/enrollments", token);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().findValuesAsText("id")).containsExactlyInAnyOrder(totp, sms);
        JsonNode smsEntry = null;
        for (JsonNode entry : answer.json()) {
            smsEntry = entry.get("id").asText().equals(sms) ? entry : smsEntry;
        }
        assertThat(smsEntry.get("phone_number").asText()).isEqualTo("+15555550100");
        assertThat(smsEntry.get("status").asText()).isEqualTo("confirmed");
    }

    @Test
    void authenticationMethodsWhenListedThenAuth0TypesAndPaging() {
        User user = user("m2@example.com");
        enroll(user.userId(), "totp", true, null);
        enroll(user.userId(), "voice", false, "+15555550101");
        enroll(user.userId(), "recovery-code", true, null);

        Http.Answer answer = server.http().get("/api/v2/users/" + encode(user.userId())
                + "/authentication-methods?include_totals=true&per_page=2", token);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("total").asInt()).isEqualTo(3);
        assertThat(answer.json().get("authenticators")).hasSize(2);
        Http.Answer all = server.http().get("/api/v2/users/" + encode(user.userId())
                + "/authentication-methods", token);
        Map<String, Boolean> confirmedByType = new java.util.HashMap<>();
        all.json().forEach(item -> confirmedByType.put(item.get("type").asText(),
                item.get("confirmed").asBoolean()));
        assertThat(confirmedByType).containsExactlyInAnyOrderEntriesOf(Map.of("totp", true,
                "phone", false, "recovery-code", true));
    }

    @Test
    void deleteWhenOneThenAllFactorsRemovedThenEachUnenrollAuditedWithAdminClient() {
        User user = user("m-audit@example.com");
        String totp = enroll(user.userId(), "totp", true, null);
        String sms = enroll(user.userId(), "sms", true, "+15555550109");
        String email = enroll(user.userId(), "email", true, null);
        enroll(user.userId(), "recovery-code", true, null);
        String path = "/api/v2/users/" + encode(user.userId());

        Http.Answer one = server.http().delete(path + "/authentication-methods/"
                + encode(totp), token);
        Http.Answer all = server.http().delete(path + "/authenticators", token);

        assertThat(one.status()).isEqualTo(204);
        assertThat(all.status()).isEqualTo(204);
        List<AuditEntry> entries = server.server().services().auditLog().list(new AuditQuery(
                Map.of("user_id", user.userId()), Optional.empty(), true, 100, 0));
        assertThat(entries).extracting(AuditEntry::type)
                .containsOnly("gd_unenroll").hasSize(3);
        assertThat(entries).extracting(entry -> entry.details().get("authenticator_id"))
                .containsExactlyInAnyOrder(totp, sms, email);
        assertThat(entries).extracting(AuditEntry::clientId).containsOnly("mgmt");
    }

    @Test
    void deleteMethodWhenOtherFactorRemainsThenRecoveryCodeKept() {
        User user = user("m3@example.com");
        String totp = enroll(user.userId(), "totp", true, null);
        enroll(user.userId(), "sms", true, "+15555550102");
        enroll(user.userId(), "recovery-code", true, null);

        Http.Answer answer = server.http().delete("/api/v2/users/" + encode(user.userId())
                + "/authentication-methods/" + encode(totp), token);

        assertThat(answer.status()).isEqualTo(204);
        assertThat(count(user.userId())).isEqualTo(2);
    }

    @Test
    void deleteMethodWhenLastFactorThenRecoveryCodeGoesToo() {
        User user = user("m4@example.com");
        String totp = enroll(user.userId(), "totp", true, null);
        enroll(user.userId(), "recovery-code", true, null);

        server.http().delete("/api/v2/users/" + encode(user.userId())
                + "/authentication-methods/" + encode(totp), token);
        Http.Answer again = server.http().delete("/api/v2/users/" + encode(user.userId())
                + "/authentication-methods/" + encode(totp), token);

        assertThat(count(user.userId())).isZero();
        assertThat(again.status()).isEqualTo(404);
    }

    @Test
    void deleteAllWhenCalledOnEitherPathThenNoAuthenticatorLeft() {
        User first = user("m5@example.com");
        User second = user("m6@example.com");
        enroll(first.userId(), "totp", true, null);
        enroll(first.userId(), "recovery-code", true, null);
        enroll(second.userId(), "email", false, null);

        Http.Answer methods = server.http().delete("/api/v2/users/" + encode(first.userId())
                + "/authentication-methods", token);
        Http.Answer authenticators = server.http().delete("/api/v2/users/"
                + encode(second.userId()) + "/authenticators", token);

        assertThat(methods.status()).isEqualTo(204);
        assertThat(authenticators.status()).isEqualTo(204);
        assertThat(count(first.userId())).isZero();
        assertThat(count(second.userId())).isZero();
    }

    @Test
    void enrollmentsWhenUserUnknownThen404() {
        Http.Answer answer = server.http().get("/api/v2/users/auth0%7Cnobody/enrollments",
                token);

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.text("error")).isEqualTo("inexistent_user");
    }

    @Test
    void factorWhenDisabledThenTenantSettingAndListFollow() {
        Http.Answer put = server.http().raw("PUT", "/api/v2/guardian/factors/sms",
                "application/json", "{\"enabled\":false}", "Authorization", "Bearer " + token);
        Http.Answer list = server.http().get("/api/v2/guardian/factors", token);
        Http.Answer unknown = server.http().raw("PUT", "/api/v2/guardian/factors/duo",
                "application/json", "{\"enabled\":true}", "Authorization", "Bearer " + token);
        Http.Answer wrongType = server.http().raw("PUT", "/api/v2/guardian/factors/otp",
                "application/json", "{\"enabled\":\"yes\"}", "Authorization", "Bearer " + token);

        assertThat(put.status()).isEqualTo(200);
        assertThat(put.json().get("enabled").asBoolean()).isFalse();
        assertThat(server.server().services().tenantSettings().get("factor.sms.enabled"))
                .contains("false");
        JsonNode sms = null;
        for (JsonNode factor : list.json()) {
            if (factor.get("name").asText().equals("sms")) {
                sms = factor;
            }
        }
        assertThat(sms.get("enabled").asBoolean()).isFalse();
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(wrongType.status()).isEqualTo(400);
        server.server().services().tenantSettings().put("factor.sms.enabled", "true");
    }

    @Test
    void policyWhenSetToAllApplicationsThenTenantSettingAndBackToNever() {
        Http.Answer always = server.http().raw("PUT", "/api/v2/guardian/policies",
                "application/json", "[\"all-applications\"]", "Authorization", "Bearer " + token);
        String stored = server.server().services().tenantSettings().get("mfa_policy", "");
        Http.Answer read = server.http().get("/api/v2/guardian/policies", token);
        Http.Answer never = server.http().raw("PUT", "/api/v2/guardian/policies",
                "application/json", "[]", "Authorization", "Bearer " + token);
        Http.Answer unsupported = server.http().raw("PUT", "/api/v2/guardian/policies",
                "application/json", "[\"confidence-score\"]", "Authorization", "Bearer " + token);

        assertThat(always.status()).isEqualTo(200);
        assertThat(stored).isEqualTo("all-applications");
        assertThat(read.json().get(0).asText()).isEqualTo("all-applications");
        assertThat(never.json()).isEmpty();
        assertThat(server.server().services().tenantSettings().get("mfa_policy", ""))
                .isEqualTo("never");
        assertThat(unsupported.status()).isEqualTo(400);
    }

    @Test
    void ticketWhenCreatedThenStoredHashedWithUrl() {
        User user = user("m7@example.com");

        Http.Answer answer = server.http().postJson("/api/v2/guardian/enrollments/ticket",
                Map.of("user_id", user.userId()), token);

        assertThat(answer.status()).isEqualTo(200);
        String url = answer.text("ticket_url");
        assertThat(url).startsWith(server.issuer());
        String ticket = url.substring(url.indexOf("ticket=") + 7);
        String stored = server.server().services().database().withHandle(handle ->
                handle.createQuery("SELECT ticket_hash FROM enrollment_tickets WHERE id = :id")
                        .bind("id", answer.text("ticket_id")).mapTo(String.class).one());
        assertThat(stored).isEqualTo(Randoms.sha256(ticket));
    }

    @Test
    void ticketWhenUserUnknownOrMailAskedThenRefused() {
        User user = user("m8@example.com");

        Http.Answer unknown = server.http().postJson("/api/v2/guardian/enrollments/ticket",
                Map.of("user_id", "auth0|nobody"), token);
        Http.Answer mail = server.http().postJson("/api/v2/guardian/enrollments/ticket",
                Map.of("user_id", user.userId(), "send_mail", true), token);

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(mail.status()).isEqualTo(400);
        assertThat(mail.text("error_description")).contains("ticket_url");
    }

    @Test
    void factorsWhenTokenLacksScopeThen403() {
        String weak = ManagementTokens.withScopes(server, List.of("read:users"));

        Http.Answer answer = server.http().get("/api/v2/guardian/factors", weak);

        assertThat(answer.status()).isEqualTo(403);
    }

    /** CASES.md BUG-10 step 5, management side: regeneration leaves exactly one valid code. */
    @Test
    void recoveryCodeRegenerationWhenUserHasFactorThenOnlyTheNewCodeMatches() {
        User user = user("m9@example.com");
        enroll(user.userId(), "totp", true, null);
        var codes = dev.twofold.mfa.recovery.RecoveryCodes.of(server.server().services());
        String first = server.http().postJson("/api/v2/users/" + encode(user.userId())
                + "/recovery-code-regeneration", Map.of(), token).text("recovery_code");

        Http.Answer answer = server.http().postJson("/api/v2/users/" + encode(user.userId())
                + "/recovery-code-regeneration", Map.of(), token);

        assertThat(answer.status()).isEqualTo(200);
        String second = answer.text("recovery_code");
        assertThat(second).isNotEqualTo(first);
        var active = codes.active(user.userId()).orElseThrow();
        assertThat(dev.twofold.mfa.recovery.RecoveryCodes.matches(active, second)).isTrue();
        assertThat(dev.twofold.mfa.recovery.RecoveryCodes.matches(active, first)).isFalse();
        assertThat(count(user.userId())).isEqualTo(2);
    }

    @Test
    void recoveryCodeRegenerationWhenUserHasNoFactorThen400() {
        User user = user("m10@example.com");

        Http.Answer answer = server.http().postJson("/api/v2/users/" + encode(user.userId())
                + "/recovery-code-regeneration", Map.of(), token);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error_description")).contains("no confirmed MFA factor");
    }
}
