# A job of MIB MiB resident memory, for the migration benchmark: it fills that much with data
# LZ4 cannot shrink (the worst case for the stream), says "ready", and then just keeps running.
import os
import sys
import time

chunks = [os.urandom(1 << 20) for _ in range(int(sys.argv[1]))]
print("ready", flush=True)
while True:
    time.sleep(3600)
