/**
 * Kafka serializers and deserializers for the Strata Avro records, in Avro single-object encoding.
 *
 * <p>Start at {@link io.strata.schemas.serde.AvroSerdes}: one {@link io.strata.schemas.serde.AvroSerde} per record
 * type. Every deserializer decodes bytes written with any schema version this jar ships (the current schemas and
 * every released version under {@code io/strata/schemas/avro/history/}) and fails with exactly one exception type,
 * {@link io.strata.schemas.serde.RecordDecodingException}, naming the reason. {@link
 * io.strata.schemas.serde.SchemaCompatibilityChecker} is the rule every schema change must pass.
 */
package io.strata.schemas.serde;
