package dev.twofold.ops;

import dev.twofold.delivery.Channel;
import dev.twofold.delivery.Message;
import dev.twofold.delivery.Sender;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;

/**
 * Wraps the sender of a channel to count every message ({@code twofold_messages_sent_total})
 * and audit it ({@code gd_send_sms}, {@code gd_send_sms_failure}, …). The code itself is never
 * recorded. Thread-safe.
 */
final class AuditedSender implements Sender {

    private final Channel channel;
    private final Sender sender;
    private final Metrics metrics;
    private final AuditLog auditLog;

    private AuditedSender(Channel channel, Sender sender, Services services) {
        this.channel = channel;
        this.sender = sender;
        this.metrics = services.metrics();
        this.auditLog = services.auditLog();
    }

    /** Wraps the sender of every channel that has one. */
    static void wrapAll(Services services) {
        for (Channel channel : Channel.values()) {
            Sender sender;
            try {
                sender = services.sender(channel);
            } catch (IllegalStateException noSender) {
                continue;
            }
            if (!(sender instanceof AuditedSender)) {
                services.sender(channel, new AuditedSender(channel, sender, services));
            }
        }
    }

    @Override
    public void send(Message message) {
        try {
            sender.send(message);
        } catch (ProtocolError error) {
            boolean limited = error.status() == 429;
            metrics.messageSent(channel.wireName(), limited ? "rate_limited" : "failure");
            record(limited ? AuditType.SEND_RATE_LIMIT : failed(), message, error.description());
            throw error;
        }
        metrics.messageSent(channel.wireName(), "success");
        record(sent(), message, null);
    }

    private void record(AuditType type, Message message, String description) {
        AuditEvent.Builder event = AuditEvent.of(type).user(message.userId())
                .detail("channel", channel.wireName());
        if (message.clientIp() != null) {
            event.ip(message.clientIp());
        }
        if (description != null) {
            event.description(description);
        }
        auditLog.record(event.build());
    }

    private AuditType sent() {
        return switch (channel) {
            case SMS -> AuditType.MFA_SMS_SENT;
            case VOICE -> AuditType.MFA_VOICE_SENT;
            case EMAIL -> AuditType.MFA_EMAIL_SENT;
        };
    }

    private AuditType failed() {
        return switch (channel) {
            case SMS -> AuditType.MFA_SMS_FAILED;
            case VOICE -> AuditType.MFA_VOICE_FAILED;
            case EMAIL -> AuditType.MFA_EMAIL_FAILED;
        };
    }
}
