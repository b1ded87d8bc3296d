package io.strata.embedded;

/** Placeholder until the embedded servers land. */
final class Placeholder {
    private Placeholder() {}
}
