package io.strata.schemas.avro;

import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Base class of every generated Strata record (the plugin's {@code recordSpecificClass}).
 *
 * <p>Why it exists: since 1.11.4 Avro instantiates a generated class only when its package is trusted (system
 * property {@code org.apache.avro.SERIALIZABLE_PACKAGES}), and it needs to even for a builder filling in a default
 * such as an empty array of records. Avro reads that property once, so this class instead adds trust for the
 * generated records and enums of this package to Avro's global {@link ClassSecurityValidator} when the first record
 * class is initialised: before any builder, encoder or decoder of ours can run. Nothing else becomes trusted, and
 * whatever predicate was installed before is kept.
 */
public abstract class StrataRecord extends SpecificRecordBase {

    private static final long serialVersionUID = 1L;

    static {
        trustGeneratedClasses();
    }

    /** For the generated subclasses. */
    protected StrataRecord() {}

    private static synchronized void trustGeneratedClasses() {
        ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
        if (!current.isTrusted(ChangeType.class) || !current.isTrusted(MetricBatch.class)) {
            ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(current, StrataRecord::isGenerated));
        }
    }

    private static boolean isGenerated(Class<?> type) {
        return type.getPackageName().equals(StrataRecord.class.getPackageName())
                && (SpecificRecord.class.isAssignableFrom(type) || type.isEnum());
    }
}
