package dev.twofold.delivery;

import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /dev/outbox?to=…} (development mode only): the messages the console senders kept
 * for one phone number or email address, newest first, as
 * {@code [{"channel","to","text","sent_at"}]}.
 */
final class OutboxEndpoint {

    static final String PATH = "/dev/outbox";

    private final OutboxStore outbox;
    private final PhoneNumbers phoneNumbers;

    OutboxEndpoint(OutboxStore outbox, PhoneNumbers phoneNumbers) {
        this.outbox = outbox;
        this.phoneNumbers = phoneNumbers;
    }

    void handle(Context context) {
        Params query = Params.fromQuery(Optional.ofNullable(context.queryString()).orElse(""));
        String destination = destination(query.single("to").orElse(null));

        List<Map<String, Object>> messages = outbox.sentTo(destination).stream()
                .map(OutboxEndpoint::toJson).toList();

        context.header("Cache-Control", "no-store");
        context.json(messages);
    }

    private String destination(String to) {
        if (to == null || to.isBlank()) {
            throw ProtocolError.invalidRequest("The query parameter 'to' is missing; send the"
                    + " phone number (E.164, such as +15555550100, with + encoded as %2B) or"
                    + " the email address whose messages you want: /dev/outbox?to=%2B15555550100.");
        }
        if (Destinations.isEmail(to)) {
            return email(to);
        }
        return phoneNumbers.toE164(restorePlus(to));
    }

    private static String email(String to) {
        if (!Destinations.isValidEmail(to)) {
            throw ProtocolError.invalidRequest("The query parameter 'to' is not a valid email"
                    + " address; send one such as alice@example.com.");
        }
        return Destinations.normalizeEmail(to);
    }

    /** An unencoded {@code +} in a query string arrives as a space; read it as the + it was. */
    private static String restorePlus(String to) {
        return to.startsWith(" ") && !to.isBlank() ? "+" + to.strip() : to;
    }

    private static Map<String, Object> toJson(OutboxStore.Entry entry) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("channel", entry.channel().wireName());
        json.put("to", entry.destination());
        json.put("text", entry.text());
        json.put("sent_at", entry.sentAt().toString());
        return json;
    }
}
