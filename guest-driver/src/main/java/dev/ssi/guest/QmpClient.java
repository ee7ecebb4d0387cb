package dev.ssi.guest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A client of QEMU's machine protocol (QMP): JSON objects, one per line, over a Unix socket.
 * {@link #connect} reads QEMU's greeting and negotiates capabilities; {@link #execute} sends one
 * command and waits for its answer; asynchronous events are kept (the latest {@value #KEPT_EVENTS})
 * for {@link #awaitEvent}. One reader thread per connection; commands are sent one at a time.
 */
public final class QmpClient implements AutoCloseable {
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration GREETING_TIMEOUT = Duration.ofSeconds(10);
    private static final int KEPT_EVENTS = 256;
    private static final int MAX_LINE_BYTES = 16 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Put in the answer queue when the connection ends, to wake a waiting command. */
    private static final JsonNode CLOSED = JSON.createObjectNode();

    private final Path socket;
    private final SocketChannel channel;
    private final BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();
    private final Deque<JsonNode> events = new ArrayDeque<>();
    private volatile boolean ended;
    private long lastId;

    private QmpClient(Path socket, SocketChannel channel) {
        this.socket = socket;
        this.channel = channel;
    }

    /**
     * Connects to the QMP socket, reads the greeting and leaves capabilities negotiation mode.
     * QEMU serves one QMP client at a time: while another holds the socket, no greeting comes.
     */
    public static QmpClient connect(Path socket) {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw new GuestException("cannot connect to QMP socket " + socket + ": " + e.getMessage(), e);
        }
        QmpClient client = new QmpClient(socket, channel);
        Thread reader = new Thread(client::readAnswersAndEvents, "qmp-" + socket.getFileName());
        reader.setDaemon(true);
        reader.start();
        try {
            JsonNode greeting = client.poll(System.nanoTime() + GREETING_TIMEOUT.toNanos(),
                    "greeting (is another QMP client connected?)", GREETING_TIMEOUT);
            if (!greeting.has("QMP")) {
                throw new GuestException(socket + " did not greet as QMP does: "
                        + (greeting == CLOSED ? "it closed the connection" : greeting.toString()));
            }
            client.execute("qmp_capabilities");
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    public JsonNode execute(String command) {
        return execute(command, Map.of());
    }

    /** Sends a command and returns QEMU's {@code return} value; QEMU's error becomes a {@link QmpException}. */
    public synchronized JsonNode execute(String command, Map<String, ?> arguments) {
        if (ended) {
            throw new GuestException("QEMU closed QMP socket " + socket + "; '" + command + "' cannot be sent");
        }
        long id = ++lastId;
        ObjectNode request = JSON.createObjectNode().put("execute", command).put("id", id);
        if (!arguments.isEmpty()) {
            request.set("arguments", JSON.valueToTree(arguments));
        }
        send(request);
        long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        while (true) {
            JsonNode answer = poll(deadline, "answer to '" + command + "'", ANSWER_TIMEOUT);
            if (answer == CLOSED) {
                answers.add(CLOSED);
                throw new GuestException("QEMU closed QMP socket " + socket + " before answering '" + command + "'");
            }
            if (answer.path("id").asLong() != id) {
                continue; // the late answer to a command that timed out
            }
            if (answer.has("error")) {
                throw new QmpException(command, answer.path("error").path("class").asText(),
                        answer.path("error").path("desc").asText());
            }
            return answer.path("return");
        }
    }

    /** Waits for the next event of this name not yet taken, and takes it. */
    public JsonNode awaitEvent(String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (true) {
                for (Iterator<JsonNode> it = events.iterator(); it.hasNext(); ) {
                    JsonNode event = it.next();
                    if (event.path("event").asText().equals(name)) {
                        it.remove();
                        return event;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new GuestException("no QMP event " + name + " from " + socket + " within " + timeout.toMillis() + " ms");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(events, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new GuestException("interrupted while waiting for QMP event " + name, e);
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing a Unix socket fails only if it is already gone.
        }
    }

    private void send(ObjectNode request) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap((JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            String closer = channel.isOpen() ? "QEMU closed QMP socket " : "this client closed its connection to QMP socket ";
            throw new GuestException(closer + socket + "; cannot send '" + request.path("execute").asText() + "': "
                    + e.getMessage(), e);
        }
    }

    private JsonNode poll(long deadline, String what, Duration timeout) {
        try {
            JsonNode answer = answers.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (answer == null) {
                throw new GuestException("no " + what + " from QMP socket " + socket + " within "
                        + timeout.toSeconds() + " s");
            }
            return answer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestException("interrupted while waiting for " + what, e);
        }
    }

    private void readAnswersAndEvents() {
        LineReader lines = new LineReader(channel);
        try {
            for (JsonNode message = lines.next(); message != null; message = lines.next()) {
                if (message.has("event")) {
                    synchronized (events) {
                        if (events.size() == KEPT_EVENTS) {
                            events.removeFirst();
                        }
                        events.addLast(message);
                        events.notifyAll();
                    }
                } else {
                    answers.add(message);
                }
            }
        } catch (IOException e) {
            // The socket was closed (by us, or QEMU ended): the connection is over either way.
        } finally {
            ended = true;
            answers.add(CLOSED);
        }
    }

    /** Splits the byte stream into lines and parses each as one JSON object. */
    private static final class LineReader {
        private final SocketChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(64 << 10).flip();
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineReader(SocketChannel channel) {
            this.channel = channel;
        }

        /** The next message, or null at the end of the stream. */
        JsonNode next() throws IOException {
            while (true) {
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    if (b == '\n') {
                        String text = line.toString(StandardCharsets.UTF_8).strip();
                        line.reset();
                        if (!text.isEmpty()) {
                            return parse(text);
                        }
                    } else if (line.size() == MAX_LINE_BYTES) {
                        throw new IOException("a QMP message longer than " + MAX_LINE_BYTES + " bytes");
                    } else {
                        line.write(b);
                    }
                }
                buffer.clear();
                int read = channel.read(buffer);
                buffer.flip();
                if (read < 0) {
                    return null;
                }
            }
        }

        private static JsonNode parse(String text) throws IOException {
            try {
                return JSON.readTree(text);
            } catch (JsonProcessingException e) {
                throw new IOException("QEMU sent a line that is not JSON: " + text, e);
            }
        }
    }
}
