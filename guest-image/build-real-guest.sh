#!/usr/bin/env bash
# Builds the real guest: the minimal, identical guest domain every neighbouring machine runs.
#   guest-image/build-real-guest.sh [OUT]      (root; default OUT: guest-image/target/real-guest)
# A Debian 12 minbase rootfs (debootstrap) with systemd, a headless JRE 17, Debian's kernel,
# CRIU 4 from Debian 13 packages in a private prefix (/opt/ssi/.criu, as scripts/setup.sh makes
# it), the ssid distribution in /opt/ssi, the units ssid.service and ssi-join.service (first boot:
# copy the node's identity from a disk labelled SSI-SEED, see make-seed.sh), packed into
# OUT/rootfs.qcow2 with mke2fs -d (no loop mount), next to OUT/vmlinuz and OUT/initrd.img for
# direct kernel boot (QEMU/KVM -kernel, Xen kernel=). Downloads some 400 MB of Debian packages;
# the tests do not run it. Idempotent: the debootstrap stage is kept and reused.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=${1:-$here/target/real-guest}
stage=$out/stage
rootfs=$out/rootfs
log() { echo "[real-guest] $*" >&2; }
[ "$(id -u)" = 0 ] || { log "run as root (debootstrap, chroot, file ownership)"; exit 1; }
mkdir -p "$out"

# debootstrap and qemu-img on the build machine; mke2fs (e2fsprogs) is in every Debian.
missing=()
for p in debootstrap qemu-utils e2fsprogs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The mirror the system's own apt sources name (deb822 or one-line format), as scripts/setup.sh finds it.
mirror=$(grep -hoE '^URIs:[[:space:]]*\S+' /etc/apt/sources.list.d/*.sources 2>/dev/null \
           | awk '{print $2}' | grep -E '/debian/?$' | head -1 || true)
if [ -z "$mirror" ]; then
  mirror=$(grep -hoE '^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?\S+' /etc/apt/sources.list 2>/dev/null \
             | awk '{print $NF}' | grep -E '/debian/?$' | head -1 || true)
fi
[ -n "$mirror" ] || { log "no Debian mirror found in the system's apt sources"; exit 1; }

# 1. The Debian base, kept between runs (the slow, downloading part).
if [ ! -f "$stage/.complete" ]; then
  log "debootstrap bookworm (minbase) from $mirror"
  rm -rf "$stage"
  debootstrap --variant=minbase \
    --include=systemd,systemd-sysv,udev,dbus,kmod,iproute2,procps,util-linux,e2fsprogs,openjdk-17-jre-headless,linux-image-amd64,initramfs-tools \
    bookworm "$stage" "$mirror" >"$out/debootstrap.log" 2>&1 \
    || { tail -20 "$out/debootstrap.log" >&2; exit 1; }
  touch "$stage/.complete"
fi

# 2. A fresh copy of the base gets everything of ours.
log "assembling the rootfs"
rm -rf "$rootfs"
cp -a "$stage" "$rootfs"
rm -f "$rootfs/.complete"

# CRIU 4.x from Debian 13 in /opt/ssi/.criu, run through that prefix's own dynamic loader.
criu_apt=$out/criu-apt
mkdir -p "$criu_apt/lists/partial" "$criu_apt/cache/archives/partial" "$criu_apt/debs"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$criu_apt/sources.list"
apt_opts=(-o Dir::Etc::SourceList="$criu_apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
          -o Dir::State::Lists="$criu_apt/lists" -o Dir::Cache="$criu_apt/cache"
          -o Dir::State::Status=/dev/null -o APT::Architecture=amd64 -o Debug::NoLocking=1
          -o APT::Sandbox::User=root)
criu_pkgs=(criu libcompel1 libc6 libgnutls30t64 libprotobuf-c1 libnftables1 libnl-3-200 libnet1 libbsd0
           libuuid1 libmd0 libjansson4 libxtables12 libmnl0 libnftnl11 libp11-kit0 libidn2-0
           libunistring5 libtasn1-6 libnettle8t64 libhogweed6t64 libgmp10 libffi8 libedit2)
if [ "$(ls "$criu_apt/debs" | wc -l)" -lt "${#criu_pkgs[@]}" ]; then
  log "fetching CRIU 4 from Debian 13"
  apt-get "${apt_opts[@]}" update -qq
  (cd "$criu_apt/debs" && apt-get "${apt_opts[@]}" download "${criu_pkgs[@]}" >/dev/null)
fi
criu_root=$rootfs/opt/ssi/.criu/root
mkdir -p "$criu_root"
for deb in "$criu_apt/debs"/*.deb; do dpkg -x "$deb" "$criu_root"; done
p=/opt/ssi/.criu/root
printf '#!/bin/sh\nexport CRIU_FAULT=130\nexec %s "$@"\n' \
  "$p/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path $p/usr/lib/x86_64-linux-gnu:$p/lib/x86_64-linux-gnu $p/usr/sbin/criu" \
  >"$rootfs/opt/ssi/.criu/criu"
chmod 0755 "$rootfs/opt/ssi/.criu/criu"

# The ssid distribution: every runtime jar, the native shim, keeper and client, and the ssi command.
log "building the ssid distribution"
(cd "$root" && mvn -q -B -pl guest-image -am package -DskipTests >&2)
mkdir -p "$rootfs/opt/ssi/lib" "$rootfs/opt/ssi/bin"
cp "$here"/target/ssid/lib/*.jar "$rootfs/opt/ssi/lib/"
cp "$root"/native/target/bin/ssi-init "$root"/native/target/bin/ssi-run "$root"/native/target/bin/ssi-keeper "$rootfs/opt/ssi/bin/"
install -m 0755 "$here/real-guest/ssi" "$here/real-guest/ssi-join" "$rootfs/opt/ssi/bin/"
ln -sf /opt/ssi/bin/ssi /opt/ssi/bin/ssi-run "$rootfs/usr/local/bin/"
install -m 0644 "$here/real-guest/ssid.service" "$here/real-guest/ssi-join.service" "$rootfs/etc/systemd/system/"
install -m 0644 "$here/real-guest/80-dhcp.network" "$rootfs/etc/systemd/network/"
mkdir -p "$rootfs/etc/ssi"
chmod 0700 "$rootfs/etc/ssi"

# The system: root fs by label, DHCP on the first NIC, the serial console, a fresh machine id.
echo "LABEL=ssi-root / ext4 errors=remount-ro 0 1" >"$rootfs/etc/fstab"
echo ssi-guest >"$rootfs/etc/hostname"
printf 'deb %s bookworm main\ndeb %s-security bookworm-security main\n' "$mirror" "${mirror%/}" >"$rootfs/etc/apt/sources.list"
: >"$rootfs/etc/machine-id"
chroot "$rootfs" systemctl enable systemd-networkd.service ssi-join.service ssid.service >/dev/null 2>&1
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/tmp/*

# 3. Kernel, initramfs and the disk image.
cp "$(ls "$rootfs"/boot/vmlinuz-* | sort -V | tail -1)" "$out/vmlinuz"
cp "$(ls "$rootfs"/boot/initrd.img-* | sort -V | tail -1)" "$out/initrd.img"
size_mib=$(( $(du -sm "$rootfs" | cut -f1) * 3 / 2 + 512 ))
log "making a ${size_mib} MiB ext4 image from the rootfs"
rm -f "$out/rootfs.raw" "$out/rootfs.qcow2"
mke2fs -q -t ext4 -L ssi-root -d "$rootfs" "$out/rootfs.raw" "${size_mib}M"
qemu-img convert -O qcow2 "$out/rootfs.raw" "$out/rootfs.qcow2"
rm -f "$out/rootfs.raw"
rm -rf "$rootfs"
cat >"$out/README" <<EOF
Boot: ssi guest start NAME --kernel $out/vmlinuz --initrd $out/initrd.img \\
        --append 'root=LABEL=ssi-root ro console=ttyS0' --memory 1024 \\
        --disk $out/rootfs.qcow2 [--disk SEED.img] [--nic tap:IFNAME]
Xen (xl): kernel="$out/vmlinuz" ramdisk="$out/initrd.img" extra="root=LABEL=ssi-root ro console=hvc0"
          disk=["$out/rootfs.qcow2,qcow2,xvda,w"]
EOF
log "ready: $out/vmlinuz $out/initrd.img $out/rootfs.qcow2 ($(du -h "$out/rootfs.qcow2" | cut -f1))"
