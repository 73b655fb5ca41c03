package dev.twofold.mfa.oob;

import dev.twofold.crypto.Randoms;
import dev.twofold.delivery.Channel;
import dev.twofold.delivery.Message;
import dev.twofold.mfa.Authenticator;
import dev.twofold.mfa.MfaTransaction;
import dev.twofold.server.Services;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Starts and spends out-of-band challenges: a 6-digit code sent by SMS, voice or email, valid
 * 5 minutes, single use, bound to its {@code oob_code}, authenticator and MFA transaction.
 * Thread-safe.
 */
public final class OobChallenges {

    /** Digits of a binding code, as Auth0 sends them. */
    public static final int CODE_DIGITS = 6;

    private final Services services;
    private final Duration lifetime;

    public OobChallenges(Services services, Duration lifetime) {
        this.services = services;
        this.lifetime = lifetime;
    }

    /**
     * A challenge stored but whose code is not sent yet: {@link #prepare} stores it inside the
     * caller's transaction, {@link #deliver} sends it after that transaction has committed, so
     * no provider call ever runs while a transaction or a row lock is held.
     *
     * @param oobCode what the client gets back once the code is sent
     * @param challengeId the stored challenge, removed again if the send fails
     * @param message the code to send; never logged
     */
    public record Prepared(String oobCode, String challengeId, Message message) {

        @Override
        public String toString() {
            return "Prepared[" + challengeId + "]";
        }
    }

    /**
     * Stores a new challenge, inside the caller's transaction, without sending anything. The
     * caller commits, then calls {@link #deliver} exactly once.
     */
    public Prepared prepare(Handle handle, Authenticator authenticator,
                            MfaTransaction transaction, String clientIp, Locale locale) {
        String oobCode = Randoms.token("oob_");
        String code = Randoms.digits(CODE_DIGITS);
        String id = Randoms.id("oob_");
        Instant now = services.clock().instant();
        handle.createUpdate("INSERT INTO oob_challenges (id, oob_code_hash, transaction_id,"
                        + " authenticator_id, binding_code_hash, created_at, expires_at)"
                        + " VALUES (:id, :hash, :transaction, :authenticator, :binding, :now,"
                        + " :expiresAt)")
                .bind("id", id)
                .bind("hash", Randoms.sha256(oobCode))
                .bind("transaction", transaction.id())
                .bind("authenticator", authenticator.id())
                .bind("binding", Randoms.sha256(code))
                .bind("now", now.toEpochMilli())
                .bind("expiresAt", now.plus(lifetime).toEpochMilli())
                .execute();
        Channel channel = authenticator.kind().channel().orElseThrow();
        return new Prepared(oobCode, id, new Message(channel, destination(authenticator), code,
                lifetime, locale, authenticator.userId(), clientIp));
    }

    /**
     * Sends a prepared challenge's code, once (the sender retries only when the provider was
     * certainly not reached), and answers its {@code oob_code}. Must run outside any database
     * transaction. When the send fails or a sending limit refuses it, the unsent challenge is
     * removed, so it neither lingers nor counts for the resend cool-down, and the error is
     * thrown on; what the user enrolled or was challenged for stays as it was, to ask again.
     */
    public String deliver(Prepared prepared) {
        Message message = prepared.message();
        try {
            services.sender(message.channel()).send(message);
        } catch (RuntimeException failed) {
            try {
                services.database().inTransaction(handle -> handle.createUpdate(
                                "DELETE FROM oob_challenges WHERE id = :id")
                        .bind("id", prepared.challengeId()).execute());
            } catch (RuntimeException cleanup) {
                // The client still gets the send's error; the row's code was never sent and
                // it expires with the others.
                failed.addSuppressed(cleanup);
            }
            throw failed;
        }
        return prepared.oobCode();
    }

    /** The challenge of an {@code oob_code}, whatever its state. */
    public Optional<OobChallenge> find(String oobCode) {
        return services.database().withHandle(handle -> handle.createQuery(
                        "SELECT * FROM oob_challenges WHERE oob_code_hash = :hash")
                .bind("hash", Randoms.sha256(oobCode))
                .map((resultSet, context) -> map(resultSet)).findOne());
    }

    /** When a code was last sent for this authenticator, in any MFA transaction. */
    public Optional<Instant> lastSent(Handle handle, String authenticatorId) {
        return handle.createQuery("SELECT MAX(created_at) FROM oob_challenges"
                        + " WHERE authenticator_id = :authenticator")
                .bind("authenticator", authenticatorId).mapTo(Long.class).findOne()
                .map(Instant::ofEpochMilli);
    }

    /** The unused, unexpired challenges of one authenticator in one MFA transaction. */
    public List<OobChallenge> live(String transactionId, String authenticatorId) {
        return services.database().withHandle(handle -> handle.createQuery(
                        "SELECT * FROM oob_challenges WHERE transaction_id = :transaction"
                                + " AND authenticator_id = :authenticator AND used_at IS NULL"
                                + " AND expires_at > :now ORDER BY created_at DESC")
                .bind("transaction", transactionId).bind("authenticator", authenticatorId)
                .bind("now", services.clock().millis())
                .map((resultSet, context) -> map(resultSet)).list());
    }

    /** Marks a challenge used; true for exactly one caller. */
    public boolean spend(Handle handle, OobChallenge challenge) {
        return handle.createUpdate("UPDATE oob_challenges SET used_at = :now"
                        + " WHERE id = :id AND used_at IS NULL")
                .bind("now", services.clock().millis()).bind("id", challenge.id())
                .execute() == 1;
    }

    /** The phone number or email address a code for this authenticator goes to. */
    public String destination(Authenticator authenticator) {
        if (authenticator.phoneSealed().isPresent()) {
            return services.secretBox().open(Authenticator.PHONE_PURPOSE,
                    authenticator.phoneSealed().get());
        }
        return authenticator.email().orElseThrow(() ->
                new IllegalStateException("Out-of-band authenticator without destination"));
    }

    private static OobChallenge map(ResultSet row) throws SQLException {
        long used = row.getLong("used_at");
        Optional<Instant> usedAt = row.wasNull() ? Optional.empty()
                : Optional.of(Instant.ofEpochMilli(used));
        return new OobChallenge(row.getString("id"), row.getString("transaction_id"),
                row.getString("authenticator_id"), row.getString("binding_code_hash"),
                Instant.ofEpochMilli(row.getLong("expires_at")), usedAt);
    }
}
