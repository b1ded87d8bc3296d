package io.strata.producer.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import oshi.hardware.ComputerSystem;

/** Where a node's stable identity comes from: the DMI hardware UUID, else {@code /etc/machine-id}. */
public final class NodeIdentity {

    private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");
    private static final Path MACHINE_ID = Path.of("/etc/machine-id");

    private NodeIdentity() {}

    /**
     * The hardware UUID from DMI, or the machine id (as a UUID) where DMI is missing (VMs, containers, no root).
     */
    public static Optional<String> hardwareUuid(ComputerSystem computer) {
        String uuid = known(computer.getHardwareUUID());
        if (uuid != null && !uuid.replace("-", "").matches("0*|f*|F*")) {
            return Optional.of(uuid.toLowerCase(Locale.ROOT));
        }
        return machineId(MACHINE_ID);
    }

    /**
     * The node id: the configured one, else the hardware UUID or machine id, else a random UUID kept in
     * {@code stateDir/node-id} so that it survives restarts (when {@code stateDir} is null it is not kept).
     */
    public static String resolveNodeId(String configured, ComputerSystem computer, Path stateDir) {
        if (configured != null && !configured.isBlank()) {
            return configured.strip();
        }
        Optional<String> hardware = hardwareUuid(computer);
        if (hardware.isPresent()) {
            return hardware.get();
        }
        String random = java.util.UUID.randomUUID().toString();
        if (stateDir == null) {
            return random;
        }
        Path file = stateDir.resolve("node-id");
        try {
            if (Files.exists(file)) {
                return Files.readString(file).strip();
            }
            Files.createDirectories(stateDir);
            Path temporary = stateDir.resolve("node-id.tmp");
            Files.writeString(temporary, random);
            Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return random;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot keep the node id in " + file, e);
        }
    }

    /** The systemd/dbus machine id in {@code file}, formatted as a UUID. */
    static Optional<String> machineId(Path file) {
        try {
            String id = Files.readString(file).strip().toLowerCase(Locale.ROOT);
            if (!HEX32.matcher(id).matches()) {
                return Optional.empty();
            }
            return Optional.of(id.substring(0, 8) + "-" + id.substring(8, 12) + "-" + id.substring(12, 16) + "-"
                    + id.substring(16, 20) + "-" + id.substring(20));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Null for the placeholders OSHI and firmware use for "unknown". */
    static String known(String value) {
        if (value == null) {
            return null;
        }
        String stripped = value.strip();
        String lower = stripped.toLowerCase(Locale.ROOT);
        if (stripped.isEmpty()
                || lower.equals("unknown")
                || lower.equals("none")
                || lower.contains("to be filled by o.e.m.")
                || lower.equals("default string")
                || lower.equals("not specified")) {
            return null;
        }
        return stripped;
    }
}
