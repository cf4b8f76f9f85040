# Shared steps for building out-of-tree modules for the QEMU board's guest
# kernel (Debian 12's linux-image-amd64) against the matching linux-headers
# package: tools/vm/gpio-sim/build.sh and tools/vm/oops/build.sh source this.
# Installs nothing and needs no root; every missing piece is named with the
# Debian package to install.
#
# After kmod_guest_kernel and kmod_headers: kver, image_pkg, image_ver,
# headers_pkg, headers, headers_ver, install_hint are set.

kmod_setup() {
  kmod_name=$1
  export PATH=$PATH:/usr/sbin:/sbin
  kmod_need dpkg-query dpkg
  kmod_need make make
  kmod_need strip binutils
  kmod_need modinfo kmod
}

die() { echo "$kmod_name: $*" >&2; exit 1; }

kmod_need() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install the Debian package '$2'"
}

# Version of an installed Debian package, or empty.
kmod_pkgver() {
  dpkg-query -W -f='${db:Status-Status} ${Version}\n' "$1" 2>/dev/null |
    awk '$1 == "installed" { print $2; exit }' || true
}

# The guest kernel: KERNEL_VERSION, else the newest /boot/vmlinuz-*-amd64 (never
# `uname -r`: the host runs another kernel), and the package that owns it.
kmod_guest_kernel() {
  if [ -z "${KERNEL_VERSION:-}" ]; then
    local kernel
    kernel=$(ls -1 /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$kernel" ] || die "no /boot/vmlinuz-*-amd64; install the Debian package 'linux-image-amd64'"
    KERNEL_VERSION=${kernel#/boot/vmlinuz-}
  fi
  kver=$KERNEL_VERSION
  [ -e "/boot/vmlinuz-$kver" ] || die "/boot/vmlinuz-$kver missing; install the Debian package 'linux-image-$kver'"
  # The package owning the kernel image (linux-image-<kver>, or -unsigned).
  image_pkg=$(dpkg-query -S "/boot/vmlinuz-$kver" 2>/dev/null | head -n 1 | cut -d: -f1) || true
  [ -n "$image_pkg" ] || die "/boot/vmlinuz-$kver belongs to no Debian package; install 'linux-image-$kver'"
  image_ver=$(kmod_pkgver "$image_pkg")
  [ -n "$image_ver" ] || die "cannot read the version of '$image_pkg'"
}

# The headers of exactly that upload, and the compiler the kernel was built with.
# $1: further packages for the install hint.
kmod_headers() {
  headers_pkg=linux-headers-$kver
  headers=/usr/src/linux-headers-$kver
  install_hint="apt-get install --no-install-recommends $headers_pkg=$image_ver make ${1:-}"
  headers_ver=$(kmod_pkgver "$headers_pkg")
  [ -n "$headers_ver" ] && [ -f "$headers/Makefile" ] && [ -f "$headers/Module.symvers" ] ||
    die "kernel headers for $kver missing; install the Debian package '$headers_pkg' ($install_hint)"
  [ "$headers_ver" = "$image_ver" ] ||
    die "$headers_pkg is $headers_ver but $image_pkg is $image_ver; they must match exactly ($install_hint)"
  # The headers package pulls in the compiler the kernel was built with.
  local cc
  cc=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\([^ ]*\) .*/\1/p' "$headers/.config")
  [ -n "$cc" ] && command -v "$cc" >/dev/null 2>&1 ||
    die "compiler '${cc:-gcc}' (CONFIG_CC_VERSION_TEXT of $kver) not found; install the Debian package '${cc:-gcc}' (a dependency of $headers_pkg)"
}

# kmod_up_to_date STAMP KO... -- INPUT...: every KO exists, is newer than every
# INPUT, and OUTDIR/build.stamp says it was built from the same versions.
kmod_up_to_date() {
  local stamp=$1; shift
  local kos=() ko f
  while [ "$1" != "--" ]; do kos+=("$1"); shift; done
  shift
  [ -f "$out/build.stamp" ] && [ "$(cat "$out/build.stamp")" = "$stamp" ] || return 1
  for ko in "${kos[@]}"; do
    [ -f "$ko" ] || return 1
    for f in "$@"; do [ "$ko" -nt "$f" ] || return 1; done
  done
}

# kmod_make DIR: builds the Kbuild in DIR against the headers.
kmod_make() {
  local dir=$1 log=$1/../make.log
  # The prefix map keeps the build directory out of __FILE__ strings (WARN_ON)
  # and debug info (hence the build-id note that survives strip --strip-debug),
  # so the .ko bytes do not depend on OUTDIR.
  if ! make -C "$headers" M="$dir" KCFLAGS="-ffile-prefix-map=$dir/=" -j"$(nproc)" modules > "$log" 2>&1; then
    cat "$log" >&2
    die "module build failed (log: $log)"
  fi
  # modpost only warns about unresolved symbols; a module with one would not load.
  if grep -E 'WARNING: modpost: .*undefined' "$log" >&2; then
    die "unresolved symbols; the modules would not load in $kver"
  fi
}

# kmod_install DIR KO...: checks each module's vermagic and puts it, stripped as
# Debian strips its own, into OUTDIR; then writes kernel-version and STAMP.
kmod_install() {
  local dir=$1 stamp=$2; shift 2
  local ko vermagic
  for ko in "$@"; do
    vermagic=$(modinfo -F vermagic "$dir/$ko")
    case "$vermagic" in ("$kver "*) ;; (*) die "$ko has vermagic '$vermagic', expected $kver" ;; esac
    strip --strip-debug -o "$out/$ko.tmp" "$dir/$ko"
    mv "$out/$ko.tmp" "$out/$ko"
  done
  echo "$kver" > "$out/kernel-version"
  echo "$stamp" > "$out/build.stamp"
}

kmod_seconds_since() {
  awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'
}
