package dev.ssi.daemon.balance.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which input devices are keyboards and mice, and the reader that waits on one. This machine
 * has no input devices (nor /dev/uinput to make one), so the reader is shown on a named pipe,
 * which blocks and wakes a reader as an event device does.
 */
class InputDevicesTest {
    /** A desktop's /proc/bus/input/devices, shortened: power button, USB keyboard, USB mouse, PC speaker, a headset's buttons. */
    private static final String DESKTOP = """
            I: Bus=0019 Vendor=0000 Product=0001 Version=0000
            N: Name="Power Button"
            P: Phys=LNXPWRBN/button/input0
            H: Handlers=kbd event0
            B: PROP=0
            B: EV=3
            B: KEY=8000 10000000000000 0

            I: Bus=0003 Vendor=046d Product=c31c Version=0110
            N: Name="Logitech USB Keyboard"
            P: Phys=usb-0000:00:14.0-2/input0
            H: Handlers=sysrq kbd leds event3
            B: PROP=0
            B: EV=120013
            B: KEY=1000000000007 ff9f207ac14057ff febeffdfffefffff fffffffffffffffe

            I: Bus=0003 Vendor=046d Product=c077 Version=0111
            N: Name="Logitech USB Optical Mouse"
            P: Phys=usb-0000:00:14.0-1/input0
            H: Handlers=mouse0 event4
            B: PROP=0
            B: EV=17
            B: REL=903

            I: Bus=0010 Vendor=001f Product=0001 Version=0100
            N: Name="PC Speaker"
            H: Handlers=kbd event5
            B: EV=40001

            I: Bus=0003 Vendor=0d8c Product=0014 Version=0100
            N: Name="USB Audio Device"
            H: Handlers=kbd event6
            B: EV=13
            """;

    @Test
    void keyboardsAndMiceAreChosenButtonsAndSpeakersAreNot() {
        assertEquals(List.of("event3", "event4"), InputDevices.keyboardsAndMice(DESKTOP));
        assertEquals(List.of(), InputDevices.keyboardsAndMice(""), "a machine without input devices");
    }

    @Test
    void theReaderSeesEachEventAndEndsWhenClosed(@TempDir Path dir) throws Exception {
        Path device = fifo(dir);
        CompletableFuture<FileChannel> keyboard = CompletableFuture.supplyAsync(() -> open(device));
        AtomicLong now = new AtomicLong(5_000);
        EventReader reader = EventReader.open(device, now::get);
        try (FileChannel writer = keyboard.get(10, TimeUnit.SECONDS)) {
            assertEquals(OptionalLong.empty(), reader.lastInputMillis(), "nothing typed yet");
            writer.write(ByteBuffer.allocate(24));
            awaitInput(reader, OptionalLong.of(5_000));
            now.set(7_000);
            writer.write(ByteBuffer.allocate(48));
            awaitInput(reader, OptionalLong.of(7_000));
            reader.close();
            assertTrue(reader.ended(), "closing the reader ends its thread");
        }
    }

    @Test
    void aDeviceThatGoesAwayEndsItsReader(@TempDir Path dir) throws Exception {
        Path device = fifo(dir);
        CompletableFuture<FileChannel> keyboard = CompletableFuture.supplyAsync(() -> open(device));
        try (EventReader reader = EventReader.open(device, System::currentTimeMillis)) {
            keyboard.get(10, TimeUnit.SECONDS).close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!reader.ended() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(reader.ended(), "unplugged, the reader stops");
        }
    }

    private static Path fifo(Path dir) throws Exception {
        Path fifo = dir.resolve("event0");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo");
        return fifo;
    }

    private static FileChannel open(Path fifo) {
        try {
            return FileChannel.open(fifo, StandardOpenOption.WRITE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void awaitInput(EventReader reader, OptionalLong expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!reader.lastInputMillis().equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, reader.lastInputMillis());
    }
}
