/**
 * {@code strata-local}: the embedded broker and PostgreSQL, the probe, the optional simulated fleet, the streams
 * application and the sink in one process, with data kept under one directory.
 */
package io.strata.local;
