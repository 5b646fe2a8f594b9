#!/usr/bin/env bash
# Installs Synapse from Debian unstable into a minbase debootstrap folder (never on the host):
# $MSV_CACHE_DIR/synapse-root. A marker is written only when everything succeeded; a folder
# without it is a half-done install and is removed and redone. Needs root (debootstrap, chroot).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [ -e "$INSTALL_MARKER" ]; then
  exit 0
fi
[ "$(id -u)" = 0 ] || die "installing Synapse needs root (debootstrap and chroot)"
command -v debootstrap >/dev/null || die "debootstrap is missing (scripts/install-tools.sh installs it)"

mirror="$(bash "$SCRIPTS_DIR/synapse/mirror.sh")"
log "installing Synapse into $SYNAPSE_ROOT from $mirror (takes a minute or two)"
mkdir -p "$MSV_CACHE_DIR"
if [ -e "$SYNAPSE_ROOT" ]; then
  log "removing a half-done install"
  rm -rf --one-file-system "$SYNAPSE_ROOT"
fi
work="$SYNAPSE_ROOT.partial"
rm -rf --one-file-system "$work"

# apt options for the frozen snapshot mirror, plus any proxy the host's apt uses.
apt_conf="$(mktemp)"
trap 'rm -f "$apt_conf"' EXIT
{
  echo 'Acquire::Check-Valid-Until "false";'
  echo 'Acquire::Check-Date "false";'
  echo 'Acquire::Languages "none";'
  echo 'Acquire::Retries "3";'
  apt-config dump | grep -E '^Acquire::(https?|ftp)::Proxy' || true
} >"$apt_conf"

start=$SECONDS
debootstrap --variant=minbase --no-merged-usr sid "$work" "$mirror" >"$MSV_CACHE_DIR/debootstrap.log" 2>&1 ||
  { tail -n 30 "$MSV_CACHE_DIR/debootstrap.log" >&2; die "debootstrap failed (log: $MSV_CACHE_DIR/debootstrap.log)"; }
log "debootstrap done in $((SECONDS - start)) s"

cp "$apt_conf" "$work/etc/apt/apt.conf.d/99msv"
printf 'deb %s sid main\n' "$mirror" >"$work/etc/apt/sources.list"
# Services must never start inside the folder.
printf '#!/bin/sh\nexit 101\n' >"$work/usr/sbin/policy-rc.d"
chmod 755 "$work/usr/sbin/policy-rc.d"
# The host's resolver, in case the mirror is named rather than numeric.
cp -L /etc/resolv.conf "$work/etc/resolv.conf" 2>/dev/null || true
cp /etc/hosts "$work/etc/hosts"

in_root() {
  chroot "$work" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"
}
in_root debconf-set-selections <<'SEL'
matrix-synapse matrix-synapse/server-name string localhost
matrix-synapse matrix-synapse/report-stats boolean false
SEL
start=$SECONDS
{
  in_root apt-get update -q &&
    in_root apt-get install -y -q --no-install-recommends matrix-synapse &&
    in_root apt-get clean
} >"$MSV_CACHE_DIR/apt-install.log" 2>&1 ||
  { tail -n 30 "$MSV_CACHE_DIR/apt-install.log" >&2; die "installing matrix-synapse failed (log: $MSV_CACHE_DIR/apt-install.log)"; }
rm -rf "$work"/var/lib/apt/lists/*
version="$(in_root python3 -c 'import synapse; print(synapse.__version__)')"
log "matrix-synapse $version installed in $((SECONDS - start)) s"

mv "$work" "$SYNAPSE_ROOT"
echo "$version" >"$INSTALL_MARKER"
