"""The demo's CPU-heavy job: counts the primes below N by trial division, reporting as it goes."""
import sys

limit = int(sys.argv[1])
step = limit // 12
count = 0
for n in range(2, limit):
    d = 2
    while d * d <= n and n % d:
        d += 1
    if d * d > n:
        count += 1
    if n % step == 0:
        print(f"{n:>9,} numbers checked, {count:,} primes so far", flush=True)
print(f"primes below {limit:,}: {count:,}")
