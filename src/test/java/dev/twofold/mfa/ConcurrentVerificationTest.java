package dev.twofold.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Of many simultaneous verifications of one valid code, exactly one succeeds. */
class ConcurrentVerificationTest {

    private static final int THREADS = 20;
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

    @Test
    void otpWhenTwentySimultaneousWithOneValidCodeThenExactlyOneSucceeds() throws Exception {
        api.freezeMidStep();
        String email = api.newUser("otp");
        String secret = api.enrollOtp(email);
        server.clock().freezeAt(server.clock().instant().plusSeconds(30));
        String code = MfaApi.totp(secret, server.clock().instant());
        List<String> mfaTokens = mfaTokens(email);

        List<Http.Answer> answers = simultaneously(i -> api.otpGrant(mfaTokens.get(i), code));

        assertExactlyOneSuccess(answers);
    }

    @Test
    void oobWhenTwentySimultaneousWithOneCodeThenExactlyOneSucceeds() throws Exception {
        String phone = "+15555550144";
        String email = api.newUser("oob");
        api.enrollSms(email, phone);
        String mfaToken = api.mfaToken(email);
        String oobCode = api.challenge(mfaToken, "oob", null).text("oob_code");
        String binding = api.lastCode(phone);

        List<Http.Answer> answers = simultaneously(i -> api.oobGrant(mfaToken, oobCode,
                binding));

        assertExactlyOneSuccess(answers);
    }

    @Test
    void recoveryCodeWhenTwentySimultaneousThenExactlyOneSucceeds() throws Exception {
        String email = api.newUser("rc");
        String recoveryCode = api.enrollSms(email, "+15555550145").get("recovery_codes")
                .get(0).asText();
        List<String> mfaTokens = mfaTokens(email);

        List<Http.Answer> answers = simultaneously(i -> api.recoveryGrant(mfaTokens.get(i),
                recoveryCode));

        assertExactlyOneSuccess(answers);
    }

    private static List<String> mfaTokens(String email) {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            tokens.add(api.mfaToken(email));
        }
        return tokens;
    }

    private static List<Http.Answer> simultaneously(IntFunction<Http.Answer> request)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch ready = new CountDownLatch(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Http.Answer>> futures = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            int index = i;
            Callable<Http.Answer> task = () -> {
                ready.countDown();
                go.await();
                return request.apply(index);
            };
            futures.add(pool.submit(task));
        }
        ready.await();
        go.countDown();
        List<Http.Answer> answers = new ArrayList<>();
        for (Future<Http.Answer> future : futures) {
            answers.add(future.get());
        }
        pool.shutdown();
        return answers;
    }

    private static void assertExactlyOneSuccess(List<Http.Answer> answers) {
        assertThat(answers).filteredOn(answer -> answer.status() == 200).hasSize(1);
        assertThat(answers).filteredOn(answer -> answer.status() != 200)
                .allSatisfy(answer -> assertThat(answer.status()).as(answer.body())
                        .isIn(400, 429));
    }
}
