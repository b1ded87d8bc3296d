package io.strata.producer.telemetry;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Objects;

/**
 * The probe's own figures as Prometheus metrics ({@code strata_probe_*}), read from {@link SelfTelemetry} at scrape
 * time, for the {@code /metrics} endpoint.
 */
public final class ProbeMeters {

    private ProbeMeters() {}

    /** A registry whose meters read {@code telemetry}. */
    public static PrometheusMeterRegistry registry(SelfTelemetry telemetry) {
        Objects.requireNonNull(telemetry, "telemetry");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        FunctionCounter.builder("strata.probe.batches.sent", telemetry, SelfTelemetry::batchesSent)
                .description("Metric batches the broker acknowledged")
                .register(registry);
        FunctionCounter.builder("strata.probe.records.sent", telemetry, SelfTelemetry::recordsSent)
                .description("Records of any kind the broker acknowledged")
                .register(registry);
        FunctionCounter.builder("strata.probe.inventories.sent", telemetry, SelfTelemetry::inventoriesSent)
                .description("Inventories the broker acknowledged")
                .register(registry);
        FunctionCounter.builder("strata.probe.send.errors", telemetry, SelfTelemetry::sendErrors)
                .description("Failed send attempts")
                .register(registry);
        FunctionCounter.builder("strata.probe.dropped.samples", telemetry, SelfTelemetry::droppedSamples)
                .description("Samples the spool bound dropped")
                .register(registry);
        FunctionCounter.builder("strata.probe.dropped.records", telemetry, SelfTelemetry::droppedRecords)
                .description("Records the spool bound dropped")
                .register(registry);
        Gauge.builder("strata.probe.spool.bytes", telemetry, SelfTelemetry::spoolBytes)
                .description("Bytes of the spool on disk")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("strata.probe.spool.records", telemetry, SelfTelemetry::spoolRecords)
                .description("Records waiting in the spool")
                .register(registry);
        Gauge.builder("strata.probe.collection.ms", telemetry, SelfTelemetry::lastCollectionMillis)
                .description("Duration of the last host metrics collection in milliseconds")
                .register(registry);
        return registry;
    }
}
