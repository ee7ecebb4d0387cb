package dev.ssi.transport.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CompressionBackoffTest {
    @Test
    void backsOffExponentiallyOnIncompressibleDataAndRecoversAtOnce() {
        CompressionBackoff backoff = new CompressionBackoff();
        StringBuilder tries = new StringBuilder();
        for (int block = 0; block < 40; block++) {
            boolean tried = backoff.shouldTry();
            tries.append(tried ? 'T' : '.');
            if (tried) {
                backoff.record(block >= 30);
            }
        }
        // Skips 1, 2, 4, 8, 16 blocks after each failed try; compresses every block once it pays.
        assertEquals("T.T..T....T........T................TTTT", tries.toString());
    }
}
