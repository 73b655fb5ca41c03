package dev.twofold.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The meters of one node, scraped in Prometheus text format at {@code GET /metrics}, and the
 * domain counters other modules call ({@code services.metrics().login("success")}). Every
 * meter name is listed in docs/operations.md.
 *
 * <p>Tag values are bounded words such as {@code success} or {@code sms}; anything else is
 * recorded as {@code other}, so that a caller passing user input cannot explode the number of
 * series. Thread-safe.
 */
public final class Metrics implements AutoCloseable {

    private static final Pattern TAG_VALUE = Pattern.compile("[a-z0-9_.-]{1,32}");

    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private volatile OptionalInt managementPort = OptionalInt.empty();

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** The registry, for meters beyond the domain counters below. */
    public MeterRegistry registry() {
        return registry;
    }

    /** All meters in the Prometheus text exposition format. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * A first-factor login ended: {@code twofold_logins_total{outcome}}.
     *
     * @param outcome {@code success}, {@code failure}, {@code mfa_required} or {@code blocked}
     */
    public void login(String outcome) {
        counter("twofold.logins", "Logins by outcome", "outcome", outcome).increment();
    }

    /** The token endpoint answered {@code mfa_required}: {@code twofold_mfa_required_total}. */
    public void mfaRequired() {
        Counter.builder("twofold.mfa.required")
                .description("Logins answered with mfa_required").register(registry).increment();
    }

    /**
     * A second factor was verified: {@code twofold_mfa_verifications_total{factor,outcome}}.
     *
     * @param factor {@code otp}, {@code sms}, {@code voice}, {@code email} or
     *     {@code recovery-code}
     * @param outcome {@code success} or {@code failure}
     */
    public void verification(String factor, String outcome) {
        Counter.builder("twofold.mfa.verifications")
                .description("Second-factor verifications by factor and outcome")
                .tag("factor", bounded(factor)).tag("outcome", bounded(outcome))
                .register(registry).increment();
    }

    /** Too many failures locked a factor: {@code twofold_mfa_lockouts_total{factor}}. */
    public void lockout(String factor) {
        counter("twofold.mfa.lockouts", "Factors locked after too many failures", "factor",
                factor).increment();
    }

    /** A message left for a user: {@code twofold_messages_sent_total{channel,outcome}}. */
    public void messageSent(String channel, String outcome) {
        Counter.builder("twofold.messages.sent")
                .description("Messages handed to a sender by channel and outcome")
                .tag("channel", bounded(channel)).tag("outcome", bounded(outcome))
                .register(registry).increment();
    }

    /** The port of the management server that serves {@code /metrics}, once it listens. */
    public OptionalInt managementPort() {
        return managementPort;
    }

    void managementPort(int port) {
        this.managementPort = OptionalInt.of(port);
    }

    Counter counter(String name, String description, String tag, String value) {
        return Counter.builder(name).description(description).tag(tag, bounded(value))
                .register(registry);
    }

    static String bounded(String value) {
        String lower = value == null ? "" : value.toLowerCase(Locale.ROOT);
        return TAG_VALUE.matcher(lower).matches() ? lower : "other";
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
