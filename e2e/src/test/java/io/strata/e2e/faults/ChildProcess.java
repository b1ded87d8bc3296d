package io.strata.e2e.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of the pipeline's apps (streams, sink) in its own JVM, started from this test's class path with its real main
 * class, so that it can be killed with SIGKILL. Its output goes to {@code <logDir>/<name>-<n>.log}, one file per start.
 */
final class ChildProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);

    private final String name;
    private final String mainClass;
    private final List<String> args;
    private final Path logDir;
    private Process process;
    private int starts;

    ChildProcess(String name, String mainClass, List<String> args, Path logDir) {
        this.name = name;
        this.mainClass = mainClass;
        this.args = List.copyOf(args);
        this.logDir = logDir;
    }

    synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        starts++;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx384m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        Path log = logDir.resolve(name + "-" + starts + ".log");
        try {
            Files.createDirectories(logDir);
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            // A developer's STRATA_* variables must not reach the apps: the test sets everything it needs.
            builder.environment().keySet().removeIf(key -> key.startsWith("STRATA_"));
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        LOG.info("Started {} (pid {}), output in {}", name, process.pid(), log);
    }

    /** SIGKILL: no shutdown hook, no final commit, no leaving the group. */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        long pid = process.pid();
        process.destroyForcibly();
        waitFor();
        LOG.info("Killed {} (pid {}) with SIGKILL", name, pid);
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** How the last run ended: its exit code, or -1 while it runs. */
    synchronized int exitCode() {
        return process == null || process.isAlive() ? -1 : process.exitValue();
    }

    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            waitFor();
        }
    }

    private void waitFor() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " did not die within 30 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + name, e);
        }
    }
}
