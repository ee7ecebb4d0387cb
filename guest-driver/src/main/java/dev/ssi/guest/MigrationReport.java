package dev.ssi.guest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * What QEMU's {@code query-migrate} says of a completed live migration: its total time, the
 * downtime (the guest stopped, last pages and device state in flight), the setup time, the bytes
 * sent and the guest's RAM size.
 */
public record MigrationReport(Duration total, Duration downtime, Duration setup, long transferredBytes, long ramBytes,
        int dirtySyncs) {
    static MigrationReport of(JsonNode queryMigrate) {
        JsonNode ram = queryMigrate.path("ram");
        return new MigrationReport(Duration.ofMillis(queryMigrate.path("total-time").asLong()),
                Duration.ofMillis(queryMigrate.path("downtime").asLong()),
                Duration.ofMillis(queryMigrate.path("setup-time").asLong()),
                ram.path("transferred").asLong(), ram.path("total").asLong(), ram.path("dirty-sync-count").asInt());
    }
}
