package io.strata.schemas.serde;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.specific.SpecificData;

/**
 * The Avro data model the serdes encode and decode with.
 *
 * <ul>
 *   <li>It maps the schema names of our records straight to the generated classes, so decoding never loads a class
 *       by a name from the wire and does not depend on Avro's trusted-package check (see {@code StrataRecord}).
 *   <li>It decodes arrays into plain {@link ArrayList}s: Avro's own {@code GenericData.Array} compares its elements
 *       with a model that ignores logical types, so a decoded record holding an array of records with timestamps
 *       would fail {@code equals} with "Unknown datum type java.time.Instant".
 * </ul>
 */
final class StrataSpecificData extends SpecificData {

    static final StrataSpecificData INSTANCE = new StrataSpecificData();

    private final Map<String, Class<?>> knownClasses = new HashMap<>();

    private StrataSpecificData() {
        super(StrataSpecificData.class.getClassLoader());
        addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        for (ShippedType<?> type : ShippedSchemas.types()) {
            register(type.currentSchema(), type.type().getClassLoader());
        }
    }

    private void register(Schema schema, ClassLoader loader) {
        switch (schema.getType()) {
            case RECORD -> {
                if (registerNamed(schema, loader)) {
                    schema.getFields().forEach(field -> register(field.schema(), loader));
                }
            }
            case ENUM, FIXED -> registerNamed(schema, loader);
            case ARRAY -> register(schema.getElementType(), loader);
            case MAP -> register(schema.getValueType(), loader);
            case UNION -> schema.getTypes().forEach(branch -> register(branch, loader));
            default -> {
                // primitives need no class
            }
        }
    }

    private boolean registerNamed(Schema schema, ClassLoader loader) {
        String name = schema.getFullName();
        if (knownClasses.containsKey(name)) {
            return false;
        }
        try {
            knownClasses.put(name, Class.forName(SpecificData.getClassName(schema), false, loader));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("No generated class for Avro type " + name, e);
        }
        return true;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class getClass(Schema schema) {
        Schema.Type kind = schema.getType();
        if (kind == Schema.Type.RECORD || kind == Schema.Type.ENUM || kind == Schema.Type.FIXED) {
            Class<?> known = knownClasses.get(schema.getFullName());
            if (known != null) {
                return known;
            }
        }
        return super.getClass(schema);
    }

    @Override
    public Object newArray(Object old, int size, Schema schema) {
        if (old instanceof Collection<?> reused) {
            reused.clear();
            return reused;
        }
        // The size comes from the wire: never trust it for a large preallocation.
        return new ArrayList<>(Math.min(size, 256));
    }
}
