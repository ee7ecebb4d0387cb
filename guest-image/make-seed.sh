#!/usr/bin/env bash
# Makes the seed disk that joins one real guest to its pool on first boot (real-guest/ssi-join):
#   guest-image/make-seed.sh IDENTITY_DIR NODE_NAME OUT.img [PEERS]
# IDENTITY_DIR holds pool.crt, node.crt and node.key, as `TransportTool admit CA_DIR NODE_NAME DIR`
# writes them; PEERS is ssid's peers list (name@host:port,...). The disk is a small ext2 file
# system labelled SSI-SEED, made with mke2fs -d (no loop mount); attach it as the guest's second disk.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 IDENTITY_DIR NODE_NAME OUT.img [PEERS]" >&2; exit 2; }
identity=$1 node=$2 image=$3 peers=${4:-}
for f in pool.crt node.crt node.key; do
  [ -f "$identity/$f" ] || { echo "make-seed: $identity has no $f" >&2; exit 1; }
done
[[ $node =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || { echo "make-seed: '$node' is not a node name" >&2; exit 1; }
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
install -m 0644 "$identity/pool.crt" "$identity/node.crt" "$tree/"
install -m 0600 "$identity/node.key" "$tree/"
cat >"$tree/ssid.properties" <<PROPS
node.name=$node
listen=0.0.0.0:7420
identity.dir=/etc/ssi
state.dir=/var/lib/ssi
control.socket=/run/ssi/ssid.sock
shim=/opt/ssi/bin/ssi-init
peers=$peers
PROPS
rm -f "$image"
mke2fs -q -t ext2 -L SSI-SEED -d "$tree" "$image" 4M
echo "seed for node $node: $image"
