/**
 * The retention policy: one definition of how long each tier of data is kept, applied to topic retention, to
 * Streams' window retention and grace, and to the database's partitions.
 */
package io.strata.schemas.retention;
