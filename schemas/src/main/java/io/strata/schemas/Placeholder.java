package io.strata.schemas;

/** Placeholder until the contract lands. */
final class Placeholder {
    private Placeholder() {}
}
