#!/usr/bin/env bash
# Installs Appliance into DESTDIR under PREFIX: what 'make install' and 'make deb' run.
# Usage: tools/packaging/install.sh BINARY  (settings from the environment, as make passes them)
#   PREFIX   program, data, man page and completion prefix (default /usr/local)
#   DESTDIR  staging directory prepended to every path (default: none, the live system)
#   UNITDIR  systemd system units (default $PREFIX/lib/systemd/system, which systemd reads
#            for /usr and /usr/local alike; the .deb passes /lib/systemd/system, bookworm's)
#   GZIP_MAN yes to install the man page gzipped, as Debian policy wants (default no)
# Configuration goes to /etc whatever the prefix: Appliance reads /etc/appliance, and
# grub-mkconfig reads /etc/grub.d. Existing files under /etc are never overwritten, so a
# re-install keeps the operator's edits (the .deb has dpkg's conffile handling instead).
set -euo pipefail

bin=${1:?usage: tools/packaging/install.sh BINARY}
prefix=${PREFIX:-/usr/local}
dest=${DESTDIR:-}
unitdir=${UNITDIR:-$prefix/lib/systemd/system}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

[ -x "$bin" ] || { echo "install: $bin is missing; run make publish" >&2; exit 66; }
case "$prefix" in /*) ;; *) echo "install: PREFIX must be absolute, got '$prefix'" >&2; exit 64 ;; esac

share=$prefix/share/appliance
install -d -m 0755 "$dest$prefix/bin" "$dest$share/grub" "$dest$share/boards" "$dest$unitdir" \
  "$dest/etc/grub.d" "$dest$prefix/share/man/man8" "$dest$prefix/share/bash-completion/completions"
install -m 0755 "$bin" "$dest$prefix/bin/appliance"
install -m 0644 "$repo/grub/appliance.cfg" "$dest$share/grub/appliance.cfg"

# The drop-in reads /usr/share/appliance/grub/appliance.cfg unless told otherwise; under
# another prefix it must name the copy installed here, or update-grub would skip the trial logic.
if [ "$prefix" = /usr ]; then
  install -m 0755 "$repo/grub/01_appliance" "$dest/etc/grub.d/01_appliance"
else
  sed "s|/usr/share/appliance/grub/appliance.cfg|$share/grub/appliance.cfg|" "$repo/grub/01_appliance" >"$dest/etc/grub.d/.01_appliance.new"
  chmod 0755 "$dest/etc/grub.d/.01_appliance.new"
  mv "$dest/etc/grub.d/.01_appliance.new" "$dest/etc/grub.d/01_appliance"
fi

# Only hardware profiles ship: a board directory without watchdog.json (boards/debian-12, the
# VM harness's stock-Debian board on the same QEMU PC as qemu-x86_64) is test data.
for board in "$repo"/boards/*/; do
  name=$(basename "$board")
  [ -f "$board/watchdog.json" ] || continue
  install -D -m 0644 "$board/watchdog.json" "$dest$share/boards/$name/watchdog.json"
done

# The units name /usr/bin/appliance and the default board directory; rewrite both for another prefix.
for unit in "$here"/systemd/*.service; do
  target=$dest$unitdir/$(basename "$unit")
  if [ "$prefix" = /usr ]; then
    install -m 0644 "$unit" "$target"
  else
    sed -e "s|/usr/bin/appliance watchdog run|$prefix/bin/appliance watchdog run --boards $share/boards|" \
        -e "s|/usr/bin/appliance|$prefix/bin/appliance|" "$unit" >"$target"
    chmod 0644 "$target"
  fi
done

# Not a unit: the drop-in for the arrangement where systemd owns the hardware watchdog, which the
# operator installs into /etc/systemd/system/appliance-watchdog.service.d/ when it applies.
install -D -m 0644 "$here/systemd/systemd-owns-watchdog.conf" "$dest$share/systemd/systemd-owns-watchdog.conf"

if [ "${GZIP_MAN:-no}" = yes ]; then
  gzip -9n <"$here/man/appliance.8" >"$dest$prefix/share/man/man8/appliance.8.gz"
  chmod 0644 "$dest$prefix/share/man/man8/appliance.8.gz"
else
  install -m 0644 "$here/man/appliance.8" "$dest$prefix/share/man/man8/appliance.8"
fi
install -m 0644 "$here/bash-completion/appliance" "$dest$prefix/share/bash-completion/completions/appliance"

# /etc/appliance: the configuration, the check and hook directories and their examples.
# Directories and examples 0755, config 0644: Appliance refuses group- or world-writable
# config, checks and hooks.
etc=$dest/etc/appliance
install -d -m 0755 "$etc" "$etc/appliance.conf.d" \
  "$etc/checks.d/required.d/examples" "$etc/checks.d/wanted.d/examples" "$etc/hooks.d/examples"
for event in trial-staged committed rolled-back watchdog-reset check-failing rescue-entered; do
  install -d -m 0755 "$etc/hooks.d/$event"
done
(cd "$here/etc" && find . -type f) | while read -r file; do
  file=${file#./}
  target=$etc/$file
  if [ -e "$target" ]; then
    echo "install: keeping existing $target" >&2
  else
    # Examples are programs meant to be copied one level up: 0755, so that a plain cp (which
    # gives a new file the source's mode less the umask) makes a check or hook that runs.
    case "$file" in
      */examples/*) install -m 0755 "$here/etc/$file" "$target" ;;
      *) install -m 0644 "$here/etc/$file" "$target" ;;
    esac
  fi
done

# The boot journal and the watchdog's records.
install -d -m 0755 "$dest/var/lib/appliance"
