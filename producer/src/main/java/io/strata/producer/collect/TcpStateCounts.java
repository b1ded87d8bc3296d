package io.strata.producer.collect;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import oshi.software.os.InternetProtocolStats.TcpState;

/**
 * TCP connections by state straight from {@code /proc/net/tcp} and {@code /proc/net/tcp6}: only the state column is
 * read. OSHI's {@code getConnections()} also maps every socket to its process by scanning {@code /proc/*}{@code /fd},
 * which costs most of a collection round; counting states needs none of that.
 */
final class TcpStateCounts {

    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    private TcpStateCounts() {}

    /** Connections per state, or empty where the tables do not exist (not Linux). */
    static Optional<Map<TcpState, Integer>> read() {
        if (!Files.isReadable(TABLES.get(0))) {
            return Optional.empty();
        }
        Map<TcpState, Integer> counts = new EnumMap<>(TcpState.class);
        for (Path table : TABLES) {
            if (!Files.isReadable(table)) {
                continue;
            }
            try (BufferedReader reader = Files.newBufferedReader(table, StandardCharsets.US_ASCII)) {
                reader.readLine(); // header
                String line;
                while ((line = reader.readLine()) != null) {
                    int state = stateColumn(line);
                    if (state >= 0) {
                        counts.merge(TcpState.fromLinuxState(state), 1, Integer::sum);
                    }
                }
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.of(counts);
    }

    /** The hex "st" column, the fourth whitespace-separated field; -1 if the line is malformed. */
    static int stateColumn(String line) {
        int field = 0;
        int i = 0;
        int length = line.length();
        while (i < length) {
            while (i < length && line.charAt(i) == ' ') {
                i++;
            }
            int start = i;
            while (i < length && line.charAt(i) != ' ') {
                i++;
            }
            if (start == i) {
                break;
            }
            if (field == 3) {
                try {
                    return Integer.parseInt(line, start, i, 16);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
            field++;
        }
        return -1;
    }
}
