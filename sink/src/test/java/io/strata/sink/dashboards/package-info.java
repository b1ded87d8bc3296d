/**
 * The Grafana dashboards of the compose deployment ({@code deploy/grafana/dashboards}), checked against the schema
 * the sink's migrations create: valid dashboard JSON, and every SQL query runnable by a {@code strata_reader} member.
 */
package io.strata.sink.dashboards;
