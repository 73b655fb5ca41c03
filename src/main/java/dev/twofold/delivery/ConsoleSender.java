package dev.twofold.delivery;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Optional;

/**
 * The console sender. In development mode it prints the whole message, code included, to
 * standard output (the documented development behaviour, so a developer can read the code)
 * and keeps it in the development outbox for {@code GET /dev/outbox}. In production mode it
 * prints only the channel and the masked destination: standard output there usually feeds the
 * log collector, and a code must never reach it. {@link GuardedSender} writes the log line,
 * with the destination masked. Thread-safe.
 */
public final class ConsoleSender implements Sender {

    private final Templates templates;
    private final Optional<OutboxStore> outbox;
    private final Clock clock;
    private final PrintStream console;

    private ConsoleSender(Templates templates, Optional<OutboxStore> outbox, Clock clock,
                          PrintStream console) {
        this.templates = templates;
        this.outbox = outbox;
        this.clock = clock;
        this.console = console;
    }

    /** Development mode: prints the whole message and keeps it in the outbox. */
    public static ConsoleSender development(Templates templates, OutboxStore outbox, Clock clock,
                                            PrintStream console) {
        return new ConsoleSender(templates, Optional.of(outbox), clock, console);
    }

    /**
     * Production mode: prints only that a message was withheld, with its channel and masked
     * destination; the message is neither rendered nor kept.
     */
    public static ConsoleSender production(PrintStream console) {
        return new ConsoleSender(null, Optional.empty(), null, console);
    }

    @Override
    public void send(Message message) {
        if (outbox.isEmpty()) {
            printWithheld(message);
            return;
        }
        MessageText text = templates.render(message);
        // Kept as sent (an email address in its stored case); the outbox finds it case-blind.
        String destination = message.destination().strip();
        print(message.channel(), destination, text);
        outbox.get().add(message.channel(), destination, text.text(), clock.instant());
    }

    private void printWithheld(Message message) {
        Channel channel = message.channel();
        console.println("---- " + channel.wireName() + " to "
                + Destinations.mask(message.destination()) + " not delivered: the console"
                + " provider shows no code in production mode; set TWOFOLD_" + channel.name()
                + "_PROVIDER ----");
    }

    private void print(Channel channel, String destination, MessageText text) {
        StringBuilder block = new StringBuilder()
                .append("---- ").append(channel.wireName()).append(" to ").append(destination)
                .append(" ----\n");
        if (text.subject() != null) {
            block.append("Subject: ").append(text.subject()).append("\n\n");
        }
        block.append(text.text()).append("\n---- end of ").append(channel.wireName())
                .append(" ----");
        console.println(block);
    }
}
