package dev.twofold.delivery;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Optional;

/**
 * The development sender: prints the whole message to standard output (the documented
 * development behaviour, so a developer can read the code) and keeps it in the development
 * outbox for {@code GET /dev/outbox}. {@link GuardedSender} writes the log line, with the
 * destination masked. Thread-safe.
 */
public final class ConsoleSender implements Sender {

    private final Templates templates;
    private final Optional<OutboxStore> outbox;
    private final Clock clock;
    private final PrintStream console;

    /** Without an outbox (production mode) the message is only printed. */
    public ConsoleSender(Templates templates, Optional<OutboxStore> outbox, Clock clock,
                         PrintStream console) {
        this.templates = templates;
        this.outbox = outbox;
        this.clock = clock;
        this.console = console;
    }

    @Override
    public void send(Message message) {
        MessageText text = templates.render(message);
        String destination = Destinations.key(message.destination());
        print(message.channel(), destination, text);
        outbox.ifPresent(store ->
                store.add(message.channel(), destination, text.text(), clock.instant()));
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
