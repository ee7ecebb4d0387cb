package dev.ssi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssi.daemon.control.ControlFrame;
import dev.ssi.daemon.control.ControlFrame.Payload;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** One admin request to the local ssid and its JSON answer; ssid's refusal becomes an exception saying why. */
public final class ControlClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path socket;

    public ControlClient(Path socket) {
        this.socket = socket;
    }

    public JsonNode ask(ControlFrame.Type type, Payload request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw new IOException("no ssid at " + socket + " (" + e.getMessage() + ")", e);
            }
            ControlFrame.of(type, request).writeTo(new DataOutputStream(Channels.newOutputStream(channel)));
            ControlFrame answer = ControlFrame.read(new DataInputStream(Channels.newInputStream(channel)));
            if (answer == null) {
                throw new IOException("ssid closed the connection without answering");
            }
            String body = answer.reader().string();
            if (answer.type() == ControlFrame.Type.ERROR) {
                throw new IOException(body);
            }
            return JSON.readTree(body);
        }
    }
}
