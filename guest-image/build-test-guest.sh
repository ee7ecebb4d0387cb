#!/usr/bin/env bash
# Builds the test guest: a stock Debian kernel and a tiny busybox initramfs whose /init counts on
# the serial console (test-guest/init). Idempotent; needs root only for apt-get download.
#   guest-image/build-test-guest.sh [OUT]     (default: guest-image/target/test-guest)
# Writes OUT/vmlinuz and OUT/initrd.img. The kernel is the running system's /boot/vmlinuz-$(uname -r)
# when a Debian linux-image package put it there, else Debian's linux-image-amd64, fetched with
# `apt-get download` and unpacked with `dpkg -x` under OUT (never installed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/target/test-guest}
mkdir -p "$out"
log() { echo "[test-guest] $*" >&2; }

kernel() {
  local running=/boot/vmlinuz-$(uname -r)
  if [ -f "$running" ] && dpkg -S "$running" 2>/dev/null | grep -q '^linux-image-'; then
    cp "$running" "$out/vmlinuz.tmp" && mv "$out/vmlinuz.tmp" "$out/vmlinuz"
    return
  fi
  local pkg
  kernel_package() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}'; }
  pkg=$(kernel_package)
  [ -n "$pkg" ] || { apt-get update -qq; pkg=$(kernel_package); }
  [ -n "$pkg" ] || { log "apt knows no linux-image-amd64"; exit 1; }
  log "fetching $pkg from Debian"
  rm -rf "$out/kernel-deb" && mkdir -p "$out/kernel-deb"
  (cd "$out/kernel-deb" && apt-get -o APT::Sandbox::User=root download "$pkg" >/dev/null)
  dpkg -x "$out"/kernel-deb/*.deb "$out/kernel-deb/root"
  cp "$out"/kernel-deb/root/boot/vmlinuz-* "$out/vmlinuz.tmp" && mv "$out/vmlinuz.tmp" "$out/vmlinuz"
  rm -rf "$out/kernel-deb"
}

initramfs() {
  local busybox
  busybox=$(command -v busybox) || { log "no busybox (apt-get install busybox-static)"; exit 1; }
  if ldd "$busybox" >/dev/null 2>&1; then log "$busybox is not static (apt-get install busybox-static)"; exit 1; fi
  local tree=$out/initramfs
  rm -rf "$tree" && mkdir -p "$tree"/{bin,dev,proc,sys}
  cp "$busybox" "$tree/bin/busybox"
  install -m 0755 "$here/test-guest/init" "$tree/init"
  (cd "$tree" && find . | busybox cpio -o -H newc -R 0:0 2>/dev/null | gzip -9) >"$out/initrd.img.tmp"
  mv "$out/initrd.img.tmp" "$out/initrd.img"
  rm -rf "$tree"
}

[ -s "$out/vmlinuz" ] || kernel
if [ ! -s "$out/initrd.img" ] || [ "$here/test-guest/init" -nt "$out/initrd.img" ]; then initramfs; fi
log "ready: $out/vmlinuz $out/initrd.img"
