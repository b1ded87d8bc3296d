package io.strata.sink.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU seconds used so far by this JVM and by the PostgreSQL processes of the machine (Linux {@code /proc}), so that a
 * benchmark can say where a phase's time went: a side that waits shows little CPU, the bottleneck shows a full core.
 * PostgreSQL's time is also split by process kind (client backends, autovacuum, checkpointer, ...). On a machine
 * without {@code /proc} the PostgreSQL figures are missing.
 */
final class CpuTimes {

    /** Clock ticks per second of {@code /proc/<pid>/stat}; 100 on every Linux this runs on (USER_HZ). */
    private static final double TICKS_PER_SECOND = 100.0;

    private final double jvmSeconds;
    /** Ticks by process ("pid kind"); a process that exited is counted in its parent's children times. */
    private final Map<String, Long> postgresTicks;

    private CpuTimes(double jvmSeconds, Map<String, Long> postgresTicks) {
        this.jvmSeconds = jvmSeconds;
        this.postgresTicks = postgresTicks;
    }

    static CpuTimes now() {
        return new CpuTimes(jvmCpuSeconds(), postgresProcessTicks());
    }

    /** What was used between {@code earlier} and this, by process kind. */
    Usage since(CpuTimes earlier) {
        Map<String, Double> byKind = new TreeMap<>();
        postgresTicks.forEach((process, ticks) -> {
            long before = earlier.postgresTicks.getOrDefault(process, 0L);
            String kind = process.substring(process.indexOf(' ') + 1);
            byKind.merge(kind, (ticks - before) / TICKS_PER_SECOND, Double::sum);
        });
        byKind.values().removeIf(seconds -> seconds <= 0);
        return new Usage(jvmSeconds - earlier.jvmSeconds, byKind);
    }

    /** CPU seconds of a phase: this JVM's, and PostgreSQL's by process kind. */
    record Usage(double jvmSeconds, Map<String, Double> postgresByKind) {

        double postgresSeconds() {
            return postgresByKind.values().stream()
                    .mapToDouble(Double::doubleValue)
                    .sum();
        }

        /** "this JVM x s (n cores), PostgreSQL y s (m cores: kind s, ...)" over {@code wallSeconds}. */
        String describe(double wallSeconds) {
            StringBuilder kinds = new StringBuilder();
            postgresByKind.forEach((kind, seconds) ->
                    kinds.append(kinds.length() == 0 ? "" : ", ").append(String.format("%s %.2f", kind, seconds)));
            return String.format(
                    "CPU: this JVM %.2f s (%.2f cores), PostgreSQL %.2f s (%.2f cores; %s)",
                    jvmSeconds, jvmSeconds / wallSeconds, postgresSeconds(), postgresSeconds() / wallSeconds, kinds);
        }
    }

    private static double jvmCpuSeconds() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : Double.NaN;
    }

    private static Map<String, Long> postgresProcessTicks() {
        Map<String, Long> ticks = new HashMap<>();
        Path proc = Paths.get("/proc");
        if (!Files.isDirectory(proc)) {
            return ticks;
        }
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path pid : pids) {
                addPostgres(pid, ticks);
            }
        } catch (IOException e) {
            // No figures rather than no benchmark.
        }
        return ticks;
    }

    /**
     * utime + stime of a process named postgres under its pid and kind; cutime + cstime (children reaped, i.e.
     * backends that exited) under "exited", so that the sum survives connections that close.
     */
    private static void addPostgres(Path pid, Map<String, Long> ticks) {
        String stat;
        String title;
        try {
            stat = Files.readString(pid.resolve("stat"));
            title = new String(Files.readAllBytes(pid.resolve("cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return; // exited meanwhile
        }
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open || !stat.substring(open + 1, close).equals("postgres")) {
            return;
        }
        // After "(comm) " comes field 3 (state); utime, stime, cutime and cstime are fields 14 to 17.
        String[] fields = stat.substring(close + 2).split(" ");
        String name = pid.getFileName().toString();
        ticks.put(name + " " + kind(title), Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
        ticks.merge(name + " exited", Long.parseLong(fields[13]) + Long.parseLong(fields[14]), Long::sum);
    }

    /** "backend", "postmaster", or PostgreSQL's process title without its details ("autovacuum worker", ...). */
    private static String kind(String title) {
        String text = title.replace('\0', ' ').trim();
        if (!text.startsWith("postgres:")) {
            return "postmaster";
        }
        String rest = text.substring("postgres:".length()).trim();
        if (rest.contains("(") || rest.matches(".*\\d+\\.\\d+\\.\\d+\\.\\d+.*")) {
            return "backend";
        }
        for (String known : new String[] {
            "autovacuum worker", "autovacuum launcher", "checkpointer", "background writer", "walwriter", "io worker"
        }) {
            if (rest.startsWith(known)) {
                return known;
            }
        }
        return rest.split(" ")[0];
    }
}
