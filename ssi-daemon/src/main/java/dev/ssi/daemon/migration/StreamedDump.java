package dev.ssi.daemon.migration;

import dev.ssi.checkpoint.Criu;
import dev.ssi.checkpoint.CriuException;
import dev.ssi.checkpoint.DumpSpec;
import dev.ssi.checkpoint.os.OwnerOnly;
import dev.ssi.daemon.journal.CrashPoints;
import dev.ssi.transport.connection.Peer;
import dev.ssi.transport.stream.OutgoingStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A dump whose images stream to the destination while CRIU writes them. CRIU's post-dump
 * notification, with every image written and the tree still frozen, tells the stream that the
 * writer has finished; the dump completes once the destination has every image. On any failure
 * the stream is cancelled, so the destination deletes what it got, and CRIU resumes the tree.
 */
final class StreamedDump {
    private StreamedDump() {}

    static void run(Criu criu, DumpSpec spec, Peer peer, String label, Duration timeout)
            throws CriuException, IOException {
        OwnerOnly.directories(spec.imagesDir());
        OutgoingStream stream = peer.sendGrowingDirectory(spec.imagesDir(), label);
        try {
            criu.dump(spec, () -> {
                CrashPoints.reach("source.frozen");
                stream.writerFinished();
                stream.completion().get(timeout.toSeconds(), TimeUnit.SECONDS);
            });
        } catch (CriuException e) {
            stream.cancel(e.getMessage());
            throw e;
        }
    }
}
