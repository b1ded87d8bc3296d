package io.strata.streams;

import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class StreamsErrorHandlerTest {

    private final AtomicLong now = new AtomicLong(0);
    private final StreamsErrorHandler handler = new StreamsErrorHandler(2, now::get);

    @Test
    void shouldReplaceTheThreadAfterATransientError() {
        assertThat(handler.handle(new StreamsException(new TimeoutException("broker away"))))
                .isEqualTo(REPLACE_THREAD);
    }

    @Test
    void shouldShutDownAfterAnyOtherError() {
        assertThat(handler.handle(new StreamsException(new IllegalStateException("bug"))))
                .isEqualTo(SHUTDOWN_CLIENT);
    }

    @Test
    void shouldShutDownWhenTransientErrorsRepeatWithinAnHour() {
        assertThat(handler.handle(new TimeoutException("1"))).isEqualTo(REPLACE_THREAD);
        now.addAndGet(60_000);
        assertThat(handler.handle(new TimeoutException("2"))).isEqualTo(REPLACE_THREAD);
        assertThat(handler.handle(new TimeoutException("3"))).isEqualTo(SHUTDOWN_CLIENT);
        now.addAndGet(3_600_000);
        assertThat(handler.handle(new TimeoutException("4"))).isEqualTo(REPLACE_THREAD);
    }
}
