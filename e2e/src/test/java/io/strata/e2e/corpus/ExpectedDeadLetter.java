package io.strata.e2e.corpus;

import java.util.Objects;

/**
 * One dead letter a corpus case must cause.
 *
 * @param topic the topic the dead-lettered record was read from ({@code strata.dlt.topic}): the case's own topic, or
 *     a topic the pipeline derived a record into (a rollup of a bad raw batch, a change event of a bad state record)
 * @param component who dead-letters it
 * @param reason the {@code strata.dlt.reason}
 */
record ExpectedDeadLetter(String topic, Component component, String reason) {

    ExpectedDeadLetter {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(reason, "reason");
    }

    /** {@code sink@strata.metrics.raw:invalid.non-finite}. */
    String format() {
        return component.id() + "@" + topic + ":" + reason;
    }

    static ExpectedDeadLetter parse(String text) {
        int at = text.indexOf('@');
        int colon = text.lastIndexOf(':');
        if (at < 1 || colon < at) {
            throw new IllegalArgumentException("Not component@topic:reason: '" + text + "'");
        }
        return new ExpectedDeadLetter(
                text.substring(at + 1, colon), Component.of(text.substring(0, at)), text.substring(colon + 1));
    }
}
