package io.strata.embedded.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

/** Runs only where a Docker engine answers; skipped (quickly) elsewhere. */
@Testcontainers(disabledWithoutDocker = true)
class ContainersIT {

    @Test
    void shouldCreateATopicOnContainerKafka() throws Exception {
        try (ContainerKafka kafka = ContainerKafka.start();
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("it.container", 1, (short) 1)))
                    .all()
                    .get();
            Set<String> names = admin.listTopics().names().get();
            assertThat(names).contains("it.container");
        }
    }

    @Test
    void shouldQueryContainerPostgres() throws Exception {
        try (ContainerPostgres postgres = ContainerPostgres.start();
                Connection connection =
                        DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SHOW server_version_num")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getInt(1)).isGreaterThanOrEqualTo(180_000);
        }
    }
}
