package io.strata.e2e.faults;

/**
 * The figures of one series over one span (all its raw samples, an hour, a day), fed in time order: what the database
 * must hold. Values are exact multiples of 1/4, so sums do not depend on the order of addition.
 */
final class Aggregate {

    private final boolean counter;
    private long count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double first;
    private double last;
    private double increase;

    Aggregate(boolean counter) {
        this.counter = counter;
    }

    void add(double value) {
        if (count == 0) {
            first = value;
        } else if (counter) {
            // A drop is a counter reset: the increase counts the new value from zero.
            increase += value >= last ? value - last : value;
        }
        count++;
        sum += value;
        min = Math.min(min, value);
        max = Math.max(max, value);
        last = value;
    }

    /** The figures as the database row would show them: count, sum, min, max, first, last, increase (or null). */
    Figures figures() {
        return new Figures(count, sum, min, max, first, last, counter ? increase : null);
    }

    /** A comparable row; {@code first}, {@code last} and {@code increase} may be null where not compared. */
    record Figures(long count, double sum, double min, double max, Double first, Double last, Double increase) {

        /** Only count, sum, min and max (raw samples have no first, last or increase in the database). */
        Figures basic() {
            return new Figures(count, sum, min, max, null, null, null);
        }
    }
}
