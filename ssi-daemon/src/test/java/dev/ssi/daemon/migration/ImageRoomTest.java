package dev.ssi.daemon.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageRoomTest {
    @TempDir
    Path dir;

    @Test
    void imagesThatFitWithTheMarginAreTaken() {
        assertEquals(Optional.empty(), new ImageRoom(dir.resolve("incoming")).refusal(1 << 20));
    }

    @Test
    void imagesBeyondTheRoomLeftLessTheMarginAreRefusedSayingWhy() throws Exception {
        long usable = Files.getFileStore(dir).getUsableSpace();
        Optional<String> refusal = new ImageRoom(dir).refusal(usable);
        assertTrue(refusal.orElseThrow().contains("do not fit"), refusal.get());
        assertTrue(new ImageRoom(dir).refusal(-1).isPresent(), "an unsigned size beyond any disk");
    }
}
