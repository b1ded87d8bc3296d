package io.strata.e2e.corpus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the corpus ({@link Corpus}) as files: {@code <dir>/<topic kind>/<case>.bin} for every case small enough to
 * commit, plus the manifest {@code <dir>/corpus.properties}. Run it after changing {@link Corpus}, from the
 * repository root:
 *
 * <pre>
 * ./mvnw -o -q -pl e2e test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.strata.e2e.corpus.CorpusWriter -Dexec.args=e2e/src/test/resources/corpus
 * </pre>
 *
 * <p>(exec:java runs in the directory Maven was started from). Stale {@code .bin} files are deleted.
 */
public final class CorpusWriter {

    private CorpusWriter() {}

    /**
     * Writes the corpus.
     *
     * @param args the target directory (default {@code e2e/src/test/resources/corpus})
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "e2e/src/test/resources/corpus");
        Map<String, byte[]> files = files(Corpus.build());
        if (Files.isDirectory(dir)) {
            try (var stale = Files.walk(dir)) {
                stale.filter(path -> path.toString().endsWith(".bin"))
                        .filter(path -> !files.containsKey(
                                dir.relativize(path).toString().replace('\\', '/')))
                        .forEach(CorpusWriter::delete);
            }
        }
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path path = dir.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.write(path, file.getValue());
        }
        System.out.println("Wrote " + files.size() + " files to " + dir.toAbsolutePath());
    }

    /** Every file of the corpus directory by relative path, the manifest included. */
    static Map<String, byte[]> files(Corpus corpus) {
        Map<String, byte[]> files = new TreeMap<>();
        for (CorpusCase c : corpus.cases()) {
            if (!c.generated()) {
                files.put(c.fileName(), corpus.bytes(c.name()));
            }
        }
        files.put(CorpusManifest.FILE, CorpusManifest.write(corpus.cases()).getBytes(StandardCharsets.UTF_8));
        return files;
    }

    private static void delete(Path path) {
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
