# A job of MIB MiB resident memory, for the migration and evacuation benchmarks: it fills that much
# with data LZ4 cannot shrink (the worst case for the stream), says "ready", and then just keeps
# running. Given a GATE file too, it also prints the SHA-256 of that memory, waits for the file
# to appear, and then prints the SHA-256 of its memory again and ends: equal lines mean the
# memory came through every move intact.
#   memory-job.py MIB [GATE]
import hashlib
import os
import sys
import time


def digest(chunks):
    sha = hashlib.sha256()
    for chunk in chunks:
        sha.update(chunk)
    return sha.hexdigest()


chunks = [os.urandom(1 << 20) for _ in range(int(sys.argv[1]))]
print("ready", flush=True)
if len(sys.argv) < 3:
    while True:
        time.sleep(3600)
gate = sys.argv[2]
print("sha256", digest(chunks), flush=True)
while not os.path.exists(gate):
    time.sleep(0.2)
print("sha256", digest(chunks), flush=True)
