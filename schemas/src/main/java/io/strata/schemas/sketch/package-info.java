/** The quantile sketch carried by {@code MetricRollup.sketch}: DDSketch in its protobuf encoding. */
package io.strata.schemas.sketch;
