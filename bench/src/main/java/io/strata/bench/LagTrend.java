package io.strata.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Consumer lag (records behind the end of the raw topic) sampled during a phase, reported at 25, 50, 75 and 100 % of
 * it: a lag that keeps rising over the quarters means a consumer falls behind its input.
 */
final class LagTrend {

    /** One sample: seconds since the phase started, lag of streams and of the sink in records. */
    record Point(double seconds, long streams, long sink) {}

    private final List<Point> points = new ArrayList<>();

    void add(double seconds, long streams, long sink) {
        points.add(new Point(seconds, Math.max(0, streams), Math.max(0, sink)));
    }

    /** The points nearest to 25/50/75/100 % of {@code duration} seconds (empty if nothing was sampled). */
    List<Point> quarters(double duration) {
        List<Point> result = new ArrayList<>();
        if (points.isEmpty()) {
            return result;
        }
        for (int q = 1; q <= 4; q++) {
            double at = duration * q / 4;
            Point nearest = points.get(0);
            for (Point point : points) {
                if (Math.abs(point.seconds() - at) < Math.abs(nearest.seconds() - at)) {
                    nearest = point;
                }
            }
            result.add(nearest);
        }
        return result;
    }

    /** The largest streams and sink lag seen. */
    Point max() {
        long streams = 0;
        long sink = 0;
        for (Point point : points) {
            streams = Math.max(streams, point.streams());
            sink = Math.max(sink, point.sink());
        }
        return new Point(Double.NaN, streams, sink);
    }
}
