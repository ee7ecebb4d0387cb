package dev.ssi.daemon.control;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/** A job's output as OUTPUT frames to its ssi-run. */
final class OutputFrames extends OutputStream {
    private final DataOutputStream client;

    OutputFrames(DataOutputStream client) {
        this.client = client;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        new ControlFrame(ControlFrame.Type.OUTPUT, Arrays.copyOfRange(b, off, off + len)).writeTo(client);
    }
}
