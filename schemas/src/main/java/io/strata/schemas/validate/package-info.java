/**
 * Validation shared by the components that read raw batches: the bounds a metric series must keep ({@link
 * io.strata.schemas.validate.SeriesBounds}), the dead-letter reason codes of invalid records ({@link
 * io.strata.schemas.validate.InvalidReasons}) and a checker that names the first problem of a batch ({@link
 * io.strata.schemas.validate.BatchValidator}). One definition, so that every component rejects the same input
 * with the same code.
 */
package io.strata.schemas.validate;
