package dev.twofold.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.login.HostedLoginClient;
import dev.twofold.mfa.MfaApi;
import dev.twofold.store.User;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MFA steps leave their gd_* audit entries, with user, client and authenticator, whether
 * they run through the MFA API or the hosted pages; no entry holds a code or a phone number
 * in clear.
 */
class MfaAuditEventsTest {

    private static final String CONNECTION = "Username-Password-Authentication";
    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    private static TestServer server;
    private static MfaApi api;

    @BeforeAll
    static void start() {
        server = MfaApi.startServer();
        api = new MfaApi(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void unfreeze() {
        server.clock().unfreeze();
    }

    private static List<AuditEntry> entries(String userId) {
        return server.server().services().auditLog().list(new AuditQuery(
                Map.of("user_id", userId), Optional.empty(), true, 100, 0));
    }

    private static List<String> types(String userId) {
        return entries(userId).stream().map(AuditEntry::type).toList();
    }

    private static String userId(String email) {
        return server.server().services().users().findByEmail(CONNECTION, email)
                .map(User::userId).orElseThrow();
    }

    @Test
    void smsEnrollmentWhenStartedChallengedAndRemovedThenEachStepAuditedWithMaskedPhone() {
        String email = api.newUser("audit-sms");
        String phone = "+1555555" + String.format("%04d", System.nanoTime() % 10_000);
        api.enrollSms(email, phone);
        String mfaToken = api.mfaToken(email);
        Http.Answer challenged = api.challenge(mfaToken, "oob", null);
        Http.Answer passed = api.oobGrant(mfaToken, challenged.text("oob_code"),
                api.lastCode(phone));
        String userId = userId(email);
        String smsId = entries(userId).stream()
                .filter(entry -> entry.type().equals("gd_start_enroll")).findFirst()
                .orElseThrow().details().get("authenticator_id").toString();

        Http.Answer removed = api.http().delete("/mfa/authenticators/"
                + URLEncoder.encode(smsId, StandardCharsets.UTF_8), mfaAccessToken(email,
                phone));

        assertThat(passed.status()).as(passed.body()).isEqualTo(200);
        assertThat(removed.status()).as(removed.body()).isEqualTo(204);
        assertThat(types(userId)).contains("gd_start_enroll", "gd_enrollment_complete",
                "gd_start_auth", "gd_auth_succeed", "gd_unenroll");
        assertThat(entries(userId)).filteredOn(entry -> entry.type().startsWith("gd_")
                        && !entry.type().startsWith("gd_send"))
                .allSatisfy(entry -> {
                    assertThat(entry.clientId()).isEqualTo("c1");
                    assertThat(entry.details()).containsEntry("authenticator_id", smsId)
                            .containsEntry("authenticator_type", "sms");
                });
        assertThat(entries(userId)).filteredOn(entry -> entry.type().equals("gd_start_auth"))
                .isNotEmpty().allSatisfy(entry -> assertThat(entry.details().get(
                        "destination").toString()).endsWith(phone.substring(phone.length() - 2))
                        .doesNotContain(phone));
        assertThat(entries(userId)).extracting(entry -> entry.details().toString())
                .noneMatch(text -> text.contains(phone));
    }

    @Test
    void recoveryGrantWhenWrongThenRightThenRecoveryFailedAndSucceededWithUser() {
        Instant at = api.freezeMidStep();
        String email = api.newUser("audit-recovery");
        String mfaToken = api.mfaToken(email);
        Http.Answer associated = api.associateOtp(mfaToken);
        api.otpGrant(mfaToken, MfaApi.totp(associated.text("secret"), at));
        String recoveryCode = associated.json().get("recovery_codes").get(0).asText();
        String second = api.mfaToken(email);

        Http.Answer wrong = api.recoveryGrant(second, "WRONGWRONGWRONGWRONGWRON");
        Http.Answer right = api.recoveryGrant(second, recoveryCode);

        assertThat(wrong.status()).isEqualTo(400);
        assertThat(right.status()).as(right.body()).isEqualTo(200);
        String userId = userId(email);
        // The clock is frozen, so entries share a time and only the set of them is pinned.
        assertThat(types(userId)).contains("gd_recovery_failed", "fercft",
                "gd_recovery_succeed", "sercft");
        assertThat(entries(userId)).filteredOn(entry -> entry.type().equals("fercft"))
                .singleElement().extracting(AuditEntry::userId).isEqualTo(userId);
        assertThat(entries(userId)).extracting(entry -> entry.details().toString())
                .noneMatch(text -> text.contains(recoveryCode));
    }

    @Test
    void hostedChallengeWhenWrongThenRightCodeThenAuthFailedAndSucceededAudited() {
        Instant at = api.freezeMidStep();
        String email = api.newUser("audit-hosted");
        String secret = api.enrollOtp(email);
        server.clock().freezeAt(at.plus(Duration.ofSeconds(40)));
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        String location = browser.login(Map.of("response_type", "code", "client_id", "spa",
                "redirect_uri", Fixtures.REDIRECT_URI, "scope", "openid", "state", "a1",
                "code_challenge", CHALLENGE, "code_challenge_method", "S256"), email,
                MfaApi.PASSWORD);
        String page = browser.get(location).body();
        String correct = MfaApi.totp(secret, server.clock().instant());
        String wrong = correct.equals("000000") ? "111111" : "000000";

        Http.Answer refused = submitOtp(browser, page, wrong);
        Http.Answer passed = submitOtp(browser, refused.body(), correct);

        assertThat(passed.status()).as(passed.body()).isEqualTo(302);
        String userId = userId(email);
        List<AuditEntry> hosted = entries(userId).stream()
                .filter(entry -> "spa".equals(entry.clientId())).toList();
        // The password on the page ("s"), then the two codes.
        assertThat(hosted).extracting(AuditEntry::type)
                .containsExactlyInAnyOrder("s", "gd_auth_failed", "gd_auth_succeed");
        assertThat(hosted).filteredOn(entry -> entry.type().startsWith("gd_"))
                .allSatisfy(entry -> assertThat(entry.details())
                        .containsEntry("authenticator_type", "otp"));
    }

    private static Http.Answer submitOtp(HostedLoginClient browser, String page, String otp) {
        return browser.postForm(server.issuer() + "login/mfa", Map.of(
                "request", hidden(page, "request"), "csrf", hidden(page, "csrf"), "otp", otp));
    }

    private static String hidden(String html, String name) {
        Matcher matcher = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"")
                .matcher(html);
        assertThat(matcher.find()).as("hidden field " + name + " in " + html).isTrue();
        return matcher.group(1);
    }

    /** An MFA-API access token with remove:authenticators that passed SMS. */
    private static String mfaAccessToken(String email, String phone) {
        Http.Answer login = api.login(email, Map.of("audience", server.issuer() + "mfa/",
                "scope", "remove:authenticators"));
        String mfaToken = login.text("mfa_token");
        Http.Answer challenged = api.challenge(mfaToken, "oob", null);
        Http.Answer passed = api.oobGrant(mfaToken, challenged.text("oob_code"),
                api.lastCode(phone));
        assertThat(passed.status()).as(passed.body()).isEqualTo(200);
        return passed.text("access_token");
    }
}
