package io.strata.embedded;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves an {@link EmbeddedKafka} parameter (test method, constructor or lifecycle method) to a broker shared by the
 * whole test run: started on first use, kept in the root context's store and closed when the run ends. Tests must not
 * close or stop the shared broker; a test that needs to stop a broker starts its own.
 *
 * <pre>{@code
 * @ExtendWith(EmbeddedKafkaExtension.class)
 * class ProducerIT {
 *     @Test
 *     void shouldPublish(EmbeddedKafka kafka) { ... }
 * }
 * }</pre>
 */
public final class EmbeddedKafkaExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EmbeddedKafkaExtension.class);

    /** Creates the extension; JUnit calls this. */
    public EmbeddedKafkaExtension() {}

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == EmbeddedKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return shared(extensionContext);
    }

    /** The broker shared by this test run, started on first call. */
    public static EmbeddedKafka shared(ExtensionContext context) {
        // The root store closes AutoCloseable values when the whole run ends.
        return context.getRoot()
                .getStore(NAMESPACE)
                .computeIfAbsent(EmbeddedKafka.class, type -> EmbeddedKafka.start(), EmbeddedKafka.class);
    }
}
