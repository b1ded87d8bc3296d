package io.strata.embedded;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves an {@link EmbeddedPostgres} parameter (test method, constructor or lifecycle method) to a server shared by
 * the whole test run: started on first use, kept in the root context's store and closed when the run ends. Tests must
 * not close or stop the shared server; give each test class its own database with
 * {@link EmbeddedPostgres#createDatabase(String)} to keep them apart, and start a separate server to test a restart.
 */
public final class EmbeddedPostgresExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EmbeddedPostgresExtension.class);

    /** Creates the extension; JUnit calls this. */
    public EmbeddedPostgresExtension() {}

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == EmbeddedPostgres.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return shared(extensionContext);
    }

    /** The server shared by this test run, started on first call. */
    public static EmbeddedPostgres shared(ExtensionContext context) {
        // The root store closes AutoCloseable values when the whole run ends.
        return context.getRoot()
                .getStore(NAMESPACE)
                .computeIfAbsent(EmbeddedPostgres.class, type -> EmbeddedPostgres.start(), EmbeddedPostgres.class);
    }
}
