/**
 * The dead-letter convention: a record that cannot be decoded or validated goes to the dead-letter topic with its
 * original key and value bytes, its original headers, and {@code strata.dlt.*} headers saying where it came from and
 * why it failed. See {@link io.strata.schemas.deadletter.DeadLetterHeaders} and {@link
 * io.strata.schemas.deadletter.DeadLetters}.
 */
package io.strata.schemas.deadletter;
