#!/usr/bin/env bash
# Installs the Debian packages Appliance's build, tests, VM board and benchmarks use.
# Idempotent: installs only what is missing. Runs as root, or through sudo.
set -euo pipefail

packages=(
  # grub-editenv, grub-script-check, grub-mkimage and the i386-pc modules
  grub-common grub2-common grub-pc-bin
  # the QEMU appliance board and what the image builder needs (no root, no loop devices)
  qemu-system-x86 linux-image-amd64 busybox-static e2fsprogs fdisk cpio kexec-tools
  # the EFI-partition (vfat) grubenv scenario: the host builds and reads the FAT disk image
  dosfstools mtools
  # native AOT links with clang against zlib
  clang zlib1g-dev
  # benchmarks: peak RSS (GNU time), repeated runs, the classic watchdog daemon, load
  time hyperfine watchdog stress-ng
  # GPIO character-device tools (gpioget) for the external-watchdog checks, and what
  # tools/vm/gpio-sim/build.sh needs to build gpio-sim for the guest kernel
  gpiod libgpiod2 linux-headers-amd64 linux-source-6.1 make xz-utils patch
  # packaging tests: a Debian root to install the .deb into, unit verification, the man page
  # checks, and the Ansible rollout role
  debootstrap systemd groff-base man-db ansible-core
  # Debian's package checker, which LintianTests runs on the built .deb
  lintian
  # the VM board's SSH client key (ssh-keygen) and the ssh ansible-playbook runs
  openssh-client
  # the stock Debian 12 board (tools/vm/debian/build-image.sh): mmdebstrap builds the root,
  # qemu-img makes each run's qcow2 overlay, flock locks the image cache (util-linux), jq reads board.json,
  # apt-get download fetches the extra kernels, scp/ssh drive the guest
  mmdebstrap qemu-utils util-linux apt jq
  # the UEFI + Secure Boot board (boards/qemu-x86_64-uefi): OVMF's Secure Boot code and the
  # variable store with Microsoft's keys enrolled (so Debian's shim, signed by Microsoft, boots)
  ovmf
)

# The UEFI board's boot chain, Debian's signed shim, MokManager and GRUB: downloaded, never
# installed on the host (their postinst runs grub-install here). tools/vm/build-image.sh
# --uefi unpacks them with dpkg-deb -x; it also downloads them itself when they are missing.
fetch_efi_debs() {
  local cache=${APPLIANCE_EFI_DEBS:-/var/cache/appliance/efi-debs} pkg
  mkdir -p "$cache"
  for pkg in shim-signed shim-helpers-amd64-signed grub-efi-amd64-signed; do
    ls "$cache/${pkg}_"*.deb >/dev/null 2>&1 && continue
    echo "deps: apt-get download $pkg into $cache"
    (cd "$cache" && apt-get download "$pkg")
  done
}

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} packages present"
  fetch_efi_debs
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 77; }
  sudo=(sudo)
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fetch_efi_debs
