package io.strata.embedded;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Live non-daemon threads, to check that a server leaves none behind. */
final class ThreadSnapshot {

    private ThreadSnapshot() {}

    static Set<Thread> nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(thread -> !thread.isDaemon())
                .collect(Collectors.toSet());
    }

    /** Non-daemon threads alive now that were not in {@code before}, after waiting up to 10 s for them to end. */
    static List<String> leftoverSince(Set<Thread> before) throws InterruptedException {
        List<String> leftover = List.of();
        for (int attempt = 0; attempt < 100; attempt++) {
            leftover = nonDaemonThreads().stream()
                    .filter(thread -> !before.contains(thread))
                    .map(Thread::getName)
                    .sorted()
                    .toList();
            if (leftover.isEmpty()) {
                return leftover;
            }
            Thread.sleep(100);
        }
        return leftover;
    }
}
