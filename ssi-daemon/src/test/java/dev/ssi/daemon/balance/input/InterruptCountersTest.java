package dev.ssi.daemon.balance.input;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keyboard's and mouse's interrupts: which lines count, and that only their growth is input. */
class InterruptCountersTest {
    /** A laptop's, shortened: PS/2 keyboard and touchpad on the i8042, an i2c HID touchpad, and others that are not input. */
    private static final String LAPTOP = """
                       CPU0       CPU1       CPU2       CPU3
              0:         11          0          0          0  IR-IO-APIC    2-edge      timer
              1:       4021        377         12          0  IR-IO-APIC    1-edge      i8042
              8:          0          0          0          0  IR-IO-APIC    8-edge      rtc0
             12:        900         20          0          0  IR-IO-APIC   12-edge      i8042
             51:          7          1          0          0  IR-IO-APIC   51-fasteoi   ELAN0001:00, hid-over-i2c
            120:     881234      10023          0          0  IR-PCI-MSI 327680-edge      xhci_hcd
            125:       1000          0          0          0  IR-PCI-MSI 514048-edge      virtio2-input.0
            NMI:          0          0          0          0   Non-maskable interrupts
            LOC:    1000000     900000     800000     700000   Local timer interrupts
            """;

    @Test
    void theLinesNamingAKeyboardOrMouseAreSummedOverEveryCpu() {
        assertEquals(4021 + 377 + 12 + 900 + 20 + 7 + 1, InterruptCounters.inputInterrupts(LAPTOP));
    }

    @Test
    void growthIsInputTheFirstLookIsNot(@TempDir Path dir) throws Exception {
        Path interrupts = dir.resolve("interrupts");
        Files.writeString(interrupts, LAPTOP);
        AtomicLong now = new AtomicLong(1_000);
        InterruptCounters counters = new InterruptCounters(interrupts, now::get);
        assertEquals(OptionalLong.empty(), counters.lastInputMillis(), "the first look is the baseline");
        now.set(2_000);
        assertEquals(OptionalLong.empty(), counters.lastInputMillis(), "no key pressed");
        Files.writeString(interrupts, LAPTOP.replace("4021", "4025"));
        now.set(3_000);
        assertEquals(OptionalLong.of(3_000), counters.lastInputMillis(), "a key pressed");
        now.set(9_000);
        assertEquals(OptionalLong.of(3_000), counters.lastInputMillis(), "nothing since");
    }
}
