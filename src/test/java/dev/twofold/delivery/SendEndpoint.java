package dev.twofold.delivery;

import dev.twofold.server.ErrorResponses;
import dev.twofold.server.Services;
import dev.twofold.testing.Http;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * A tiny HTTP front for a node's senders, standing in for the MFA endpoints that call them, so
 * that tests see the errors as a client does: status, JSON body and headers.
 */
final class SendEndpoint implements AutoCloseable {

    private final Javalin app;
    private final Http http;

    SendEndpoint(Services services) {
        app = Javalin.create(config -> config.showJavalinBanner = false);
        ErrorResponses.install(app, 64 * 1024);
        app.post("/send", context -> {
            Channel channel = Channel.valueOf(context.formParam("channel"));
            services.sender(channel).send(new Message(channel, context.formParam("to"),
                    context.formParam("code"), Duration.ofMinutes(5), Locale.ENGLISH,
                    context.formParam("user"), context.formParam("ip")));
            context.status(204);
        });
        app.start("127.0.0.1", 0);
        http = new Http("http://127.0.0.1:" + app.port());
    }

    Http.Answer send(Channel channel, String to, String code, String user, String ip) {
        return http.postForm("/send", Map.of("channel", channel.name(), "to", to, "code", code,
                "user", user, "ip", ip));
    }

    @Override
    public void close() {
        app.stop();
    }
}
