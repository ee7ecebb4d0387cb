#!/usr/bin/env bash
# Idempotent set-up of a fresh Debian 12 machine (as root) for building, testing and demoing ssi:
# Debian's build and test prerequisites, and a working CRIU >= 4.0.
# If the system's `criu check` passes we use it; otherwise CRIU 4.x from Debian 13 ("trixie")
# is unpacked into .criu/ (git-ignored) and run through that prefix's own dynamic loader,
# leaving the system's apt sources and libc untouched. docs/criu-on-this-machine.md says why: 3.17 fails here.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
prefix="$root/.criu"
wrapper="$prefix/criu"

log() { echo "[setup] $*" >&2; }

need_pkgs=(gcc make iproute2 iperf3 maven openjdk-17-jdk-headless python3 xz-utils procps util-linux
           qemu-system-x86 qemu-utils busybox-static)
missing=()
for p in "${need_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing from Debian: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

criu_works() { "$1" check >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qE 'Version: ([4-9]|[1-9][0-9])\.'; }

# Every criu run goes through the wrapper, which sets CRIU_FAULT=130: CRIU then leaves its
# parasite by tracing syscalls, not through a hardware breakpoint. In some VMs (Firecracker
# here) debug-register breakpoints never fire and every dump would hang (see docs/criu-on-this-machine.md).
write_wrapper() { # $1: the command line that runs the real criu
  mkdir -p "$prefix"
  rm -f "$wrapper"
  printf '#!/bin/sh\nexport CRIU_FAULT=130\nexec %s "$@"\n' "$1" >"$wrapper"
  chmod +x "$wrapper"
}

if [ -x "$wrapper" ] && grep -q CRIU_FAULT=130 "$wrapper" && criu_works "$wrapper"; then
  log "CRIU ready: $("$wrapper" --version | head -1) ($wrapper)"
  exit 0
fi
if command -v criu >/dev/null && criu_works "$(command -v criu)"; then
  write_wrapper "$(command -v criu)"
  log "CRIU ready: system $(criu --version | head -1)"
  exit 0
fi

private_criu() {
  local p="$prefix/root"
  write_wrapper "$p/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path $p/usr/lib/x86_64-linux-gnu:$p/lib/x86_64-linux-gnu $p/usr/sbin/criu"
}
if [ -x "$prefix/root/usr/sbin/criu" ]; then
  private_criu
  if criu_works "$wrapper"; then
    log "CRIU ready: $("$wrapper" --version | head -1) ($wrapper)"
    exit 0
  fi
fi

# The mirror the system's own apt sources already name (deb822 or one-line format).
mirror=$(grep -hoE '^URIs:[[:space:]]*\S+' /etc/apt/sources.list.d/*.sources 2>/dev/null \
           | awk '{print $2}' | grep -E '/debian/?$' | head -1 || true)
if [ -z "$mirror" ]; then
  mirror=$(grep -hoE '^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?\S+' /etc/apt/sources.list 2>/dev/null \
             | awk '{print $NF}' | grep -E '/debian/?$' | head -1 || true)
fi
[ -n "$mirror" ] || { log "no Debian mirror found in the system's apt sources"; exit 1; }

log "installing CRIU 4.x from Debian 13 packages ($mirror) into $prefix"
apt_dir="$prefix/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs"
cat >"$apt_dir/sources.list" <<SRC
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main
SRC
apt_opts=(-o Dir::Etc::SourceList="$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
          -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir/cache"
          -o Dir::State::Status=/dev/null -o APT::Architecture=amd64 -o Debug::NoLocking=1)
apt-get "${apt_opts[@]}" update -qq
pkgs=(criu libcompel1 libc6 libgnutls30t64 libprotobuf-c1 libnftables1 libnl-3-200 libnet1 libbsd0
      libuuid1 libmd0 libjansson4 libxtables12 libmnl0 libnftnl11 libp11-kit0 libidn2-0
      libunistring5 libtasn1-6 libnettle8t64 libhogweed6t64 libgmp10 libffi8 libedit2)
(cd "$apt_dir/debs" && apt-get "${apt_opts[@]}" download "${pkgs[@]}" >/dev/null)
rm -rf "$prefix/root"
mkdir -p "$prefix/root"
for deb in "$apt_dir/debs"/*.deb; do dpkg -x "$deb" "$prefix/root"; done

private_criu
criu_works "$wrapper" || { log "CRIU from Debian 13 does not pass 'criu check':"; "$wrapper" check || true; exit 1; }
log "CRIU ready: $("$wrapper" --version | head -1) ($wrapper)"
