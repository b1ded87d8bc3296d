package io.strata.schemas.hash;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.NodeService;
import io.strata.schemas.avro.SystemNode;
import io.strata.schemas.simulate.SimulatedFleet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContentHashTest {

    private final NodeInventory inventory =
            SimulatedFleet.of(1, 1, 1, Duration.ofSeconds(10)).inventory(0);

    @Test
    void shouldIgnoreCollectionTimeAndUptime() {
        NodeInventory later = NodeInventory.newBuilder(inventory)
                .setCollectedAt(Instant.parse("2030-01-01T00:00:00Z"))
                .setContentHash("anything")
                .build();
        later.getServices().get(0).setUptimeSeconds(12_345L);

        assertThat(ContentHash.of(later)).isEqualTo(ContentHash.of(inventory));
    }

    @Test
    void shouldChangeWhenAServiceStops() {
        NodeInventory changed = NodeInventory.newBuilder(inventory).build();
        List<NodeService> services = new ArrayList<>(changed.getServices());
        services.remove(1);
        changed.setServices(services);

        assertThat(ContentHash.of(changed)).isNotEqualTo(ContentHash.of(inventory));
    }

    @Test
    void shouldNotDependOnMapOrder() {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        NodeInventory first = NodeInventory.newBuilder(inventory)
                .setNode(SystemNode.newBuilder(inventory.getNode())
                        .setMetadata(ab)
                        .build())
                .build();
        NodeInventory second = NodeInventory.newBuilder(inventory)
                .setNode(SystemNode.newBuilder(inventory.getNode())
                        .setMetadata(ba)
                        .build())
                .build();

        assertThat(ContentHash.of(first)).isEqualTo(ContentHash.of(second)).isNotEqualTo(ContentHash.of(inventory));
    }
}
