/** Content hashes of state records: what tells the probe and Streams that an inventory really changed. */
package io.strata.schemas.hash;
