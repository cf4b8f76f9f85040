#!/usr/bin/env bash
# Makes DIR a fresh Debian bookworm root (debootstrap minbase plus grub-common, systemd,
# procps and libgpiod2, which the .deb depends on) to install the .deb into: the package
# tests' chroot. Runs as root.
# Usage: tools/packaging/deb/test-root.sh DIR [CACHE]   (CACHE default: artifacts/debootstrap)
# The first call downloads the packages into CACHE/bookworm-KEY-minbase.tgz (debootstrap
# --make-tarball, about 20 s), installs them once (--unpack-tarball, about 40 s) and keeps
# the installed tree as CACHE/bookworm-KEY-root.tar; every later call only extracts that.
set -euo pipefail

dir=${1:?usage: test-root.sh DIR [CACHE]}
here=$(cd "$(dirname "$0")" && pwd)
cache=${2:-$(cd "$here/../../.." && pwd)/artifacts/debootstrap}
suite=bookworm
include=grub-common,systemd,procps,libgpiod2
# Keyed by the package list, so adding a package never reuses a root built without it.
key=$(printf '%s' "$include" | sha256sum | cut -c1-12)
debs=$cache/$suite-$key-minbase.tgz
tree=$cache/$suite-$key-root.tar

[ "$(id -u)" -eq 0 ] || { echo "test-root: debootstrap and chroot need root" >&2; exit 77; }
command -v debootstrap >/dev/null || { echo "test-root: install debootstrap (make deps)" >&2; exit 69; }

# The mirror apt uses here: the network may reach only that one.
mirror() {
  local uri
  uri=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n 1 || true)
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

mkdir -p "$cache"
# Tests run in parallel: one builds the cache, the others wait for it.
exec 9>"$cache/.lock"
flock 9

if [ ! -s "$tree" ]; then
  if [ ! -s "$debs" ]; then
    rm -rf "$cache/work"
    debootstrap --variant=minbase --include="$include" --make-tarball="$debs.new" "$suite" "$cache/work" "$(mirror)" >"$cache/debootstrap.log" 2>&1 \
      || { tail -n 20 "$cache/debootstrap.log" >&2; exit 1; }
    mv "$debs.new" "$debs"
  fi

  rm -rf "$cache/root"
  debootstrap --variant=minbase --include="$include" --unpack-tarball="$debs" "$suite" "$cache/root" >>"$cache/debootstrap.log" 2>&1 \
    || { tail -n 20 "$cache/debootstrap.log" >&2; exit 1; }
  rm -f "$cache/root/var/cache/apt/archives/"*.deb
  tar -C "$cache/root" --numeric-owner -cf "$tree.new" .
  mv "$tree.new" "$tree"
  rm -rf "$cache/root"
fi

flock -u 9
mkdir -p "$dir"
tar -C "$dir" --numeric-owner -xpf "$tree"
