/**
 * Collectors: host metrics ({@link io.strata.producer.collect.HostMetricsCollector}) and the node inventory
 * ({@link io.strata.producer.collect.InventoryCollector}) from one long-lived OSHI {@code SystemInfo}.
 */
package io.strata.producer.collect;
