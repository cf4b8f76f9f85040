#!/usr/bin/env bash
# Builds artifacts/appliance_<version>_amd64.deb with Debian's own dpkg-deb: what 'make deb' runs.
# Usage: tools/packaging/deb/build.sh BINARY OUTDIR
# The version is the binary's own (appliance --version: 1.0.0+<commit>), with the commit
# shortened to 12 digits and prefixed "g" as git describe does, so it stays a valid Debian
# upstream version that sorts by release number first.
set -euo pipefail

bin=${1:?usage: build.sh BINARY OUTDIR}
out=${2:?usage: build.sh BINARY OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
packaging=$(dirname "$here")

command -v dpkg-deb >/dev/null || { echo "deb: dpkg-deb is missing; install dpkg (make deps)" >&2; exit 69; }
raw=$("$bin" --version)
release=${raw%%+*}
commit=${raw#*+}
version=$release
if [ "$commit" != "$raw" ] && [ -n "$commit" ]; then
  version=$release+g${commit:0:12}
fi
arch=$(dpkg --print-architecture)

stage=$out/deb/root
rm -rf "$stage"
mkdir -p "$stage"
# Package files are root's whatever user builds (--root-owner-group below); the modes must
# not be group- or world-writable whatever the umask, or Appliance refuses its own config.
umask 022
PREFIX=/usr DESTDIR=$stage UNITDIR=/lib/systemd/system GZIP_MAN=yes "$packaging/install.sh" "$bin"

install -d -m 0755 "$stage/DEBIAN"
for script in postinst prerm postrm; do
  install -m 0755 "$here/$script" "$stage/DEBIAN/$script"
done

# Debian policy 12.5 and 12.7: every package ships its copyright (machine-readable, DEP-5) and
# its changelog under /usr/share/doc/PACKAGE. The version has no Debian revision (a native
# package), so the changelog is changelog.gz, not changelog.Debian.gz. Its one entry is this
# build, dated by the commit (reproducible: the same commit builds the same package).
maintainer='Appliance maintainers <maintainers@users.noreply.h-seed-17075e83.example>'
doc=$stage/usr/share/doc/appliance
install -d -m 0755 "$doc"
install -m 0644 "$here/copyright" "$doc/copyright"
when=$(git -C "$packaging" log -1 --format=%ct 2>/dev/null || stat -c %Y "$bin")
{
  printf 'appliance (%s) unstable; urgency=medium\n\n' "$version"
  printf '  * Build of %s.\n\n' "$raw"
  printf ' -- %s  %s\n' "$maintainer" "$(LC_ALL=C date -u -R -d "@$when")"
} | gzip -9n >"$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"

# Every file under /etc is a conffile: dpkg keeps the operator's edits on upgrade and
# removes the files only on purge.
(cd "$stage" && find etc -type f | sort | sed 's|^|/|') >"$stage/DEBIAN/conffiles"

# grub-common: grub-editenv and the grub.d machinery; procps: /bin/kill, the watchdog unit's ExecReload;
# init-system-helpers: deb-systemd-helper and deb-systemd-invoke, which the maintainer scripts
# use instead of systemctl (as debhelper's generated snippets do), so policy-rc.d and the
# operator's enable/disable choices are respected.
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<EOF
Package: appliance
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: libc6 (>= 2.34), grub-common, procps, libgpiod2, init-system-helpers (>= 1.54~)
Recommends: grub2-common
Suggests: kexec-tools
Section: admin
Priority: optional
Homepage: https://localhost/appliance
Description: boot-safety agent: trial kernels, automatic rollback, health-gated watchdog
 Appliance keeps a machine nobody can walk up to bootable across kernel
 upgrades. A new kernel boots as a trial with a few tries counted by GRUB
 itself; a health-checked boot commits it, a hang, panic or failed check
 rolls back to the known-good kernel. The watchdog daemon pets hardware,
 GPIO and systemd watchdogs only while the machine is healthy, and a
 journal records every boot attempt and its reason.
EOF

deb=$out/appliance_${version}_${arch}.deb
# One package in OUTDIR, so artifacts/appliance_*.deb names the current build.
rm -f "$out"/appliance_*_"$arch".deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "deb: $deb ($(stat -c %s "$deb") bytes)"
