/** What every long-running Strata app serves to operators: a health check and Prometheus metrics over HTTP. */
package io.strata.schemas.ops;
