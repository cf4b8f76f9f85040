#!/bin/sh
# /init of the appliance board initramfs (busybox sh). What it does after
# bring-up is chosen by appliance.scenario= on the kernel command line, so
# every GRUB entry shares this one initramfs. Lines starting with
# "APPLIANCE-MARKER:" are parsed by tools/vm/Appliance.Vm.

export PATH=/usr/bin:/bin:/sbin:/usr/sbin
umask 022

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# The initramfs has no /dev/console node (it is built without root), so the
# kernel started us with no stdio; reattach to the console now that devtmpfs
# provides it.
exec </dev/console >/dev/console 2>&1

marker() { echo "APPLIANCE-MARKER: $*"; }

finish() {
  sync
  umount /var/lib/appliance 2>/dev/null
  umount /boot 2>/dev/null
  umount /sysroot 2>/dev/null
  marker "end action=$1"
  if [ "$1" = reboot ]; then reboot -f; else poweroff -f; fi
  sleep 3600
}

fail() {
  marker "error $*"
  finish poweroff
}

scenario=healthy
entry=unknown
next=good
for word in $(cat /proc/cmdline); do
  case "$word" in
    appliance.scenario=*) scenario=${word#appliance.scenario=} ;;
    appliance.entry=*) entry=${word#appliance.entry=} ;;
    appliance.next=*) next=${word#appliance.next=} ;;
  esac
done

modprobe virtio_pci || fail "modprobe virtio_pci"
modprobe virtio_blk || fail "modprobe virtio_blk"
modprobe ext4 || fail "modprobe ext4"
modprobe i6300esb || fail "modprobe i6300esb"

tries=0
while [ ! -b /dev/vda1 ]; do
  tries=$((tries + 1))
  [ "$tries" -gt 50 ] && fail "no /dev/vda1"
  sleep 0.1
done
# The partition is laid out like a root file system holding /boot (GRUB's
# prefix is (hd0,msdos1)/boot/grub); bind its /boot over ours so
# `appliance --root /` finds /boot/grub/grubenv.
# The validator writes grubenv and its boot journal, so it gets the partition
# read-write, with the journal on it (/var/lib/appliance survives reboots).
mkdir -p /sysroot /boot
mode=ro
[ "$scenario" = validate ] && mode=rw
mount -t ext4 -o "$mode" /dev/vda1 /sysroot || fail "mount /dev/vda1 $mode"
mount --bind /sysroot/boot /boot || fail "bind /sysroot/boot"
if [ "$mode" = rw ]; then
  mkdir -p /sysroot/var/lib/appliance || fail "mkdir /sysroot/var/lib/appliance"
  mount --bind /sysroot/var/lib/appliance /var/lib/appliance || fail "bind /var/lib/appliance"
fi

marker "userspace entry=$entry scenario=$scenario uptime=$(cut -d' ' -f1 /proc/uptime)"

bootstatus=unknown
[ -r /sys/class/watchdog/watchdog0/bootstatus ] && bootstatus=$(cat /sys/class/watchdog/watchdog0/bootstatus)
marker "bootstatus=$bootstatus"

# Each appliance run costs ~1.2 s under TCG: the validate path lists nothing
# extra (the status marker and the host's grubenv reads say it all).
[ "$scenario" = validate ] || appliance --root / env list | sed 's/^/APPLIANCE-MARKER: grubenv /'

# Operator's commands left on the partition by the host (Appliance.Vm
# DiskFiles), one appliance command line per line, e.g. "upgrade stage trial
# --tries 3 --reboot": each validating boot that gets past validation runs
# the first one and drops it.
request=/sysroot/vm-request

case "$scenario" in
  validate)
    # Printed right before the validator starts: the power-cut scenario kills
    # QEMU on this line.
    marker "validate start entry=$entry uptime=$(cut -d' ' -f1 /proc/uptime)"
    # A rejected trial makes the validator reboot (reboot(2)) by itself; the
    # lines below then never run on that boot.
    appliance --root / boot validate
    rc=$?
    marker "validate rc=$rc entry=$entry uptime=$(cut -d' ' -f1 /proc/uptime)"
    echo "APPLIANCE-MARKER: status $(appliance --root / status --json)"
    if [ -s "$request" ]; then
      command=$(head -n 1 "$request")
      sed -i 1d "$request"
      [ -s "$request" ] || rm -f "$request"
      sync
      marker "operator: appliance $command"
      # shellcheck disable=SC2086 # the request is words on purpose
      appliance --root / $command
      marker "operator rc=$?"
    fi
    finish poweroff
    ;;
  healthy)
    finish poweroff
    ;;
  report-reset)
    marker "reset-cause bootstatus=$bootstatus"
    finish poweroff
    ;;
  set-next)
    mount -o remount,rw /sysroot || fail "remount /sysroot rw"
    mount -o remount,bind,rw /boot || fail "remount /boot rw"
    appliance --root / env set "next_entry=$next" || fail "appliance env set"
    marker "set next_entry=$(appliance --root / env get next_entry)"
    finish reboot
    ;;
  stop-petting)
    umount /boot /sysroot
    # 1 < heartbeat < 2046 (drivers/watchdog/i6300esb.c ESB_HEARTBEAT_RANGE).
    # esb_timer_set_heartbeat gives each of the two stages heartbeat << 9
    # ticks of the ~1 kHz clock, so the reset comes ~5 s after the last ping.
    watchdog -F -T 5 -t 1 /dev/watchdog0 &
    petter=$!
    sleep 2
    # SIGKILL closes /dev/watchdog0 without the magic 'V', so the watchdog
    # core leaves the timer running (drivers/watchdog/watchdog_dev.c).
    kill -9 "$petter"
    marker "stopped-petting timeout=5"
    sleep 3600
    marker "error still alive after watchdog timeout"
    finish poweroff
    ;;
  panic)
    umount /boot /sysroot
    marker "panicking"
    echo c > /proc/sysrq-trigger
    sleep 3600
    ;;
  hang)
    umount /boot /sysroot
    marker "hanging"
    while true; do sleep 3600; done
    ;;
  *)
    fail "unknown scenario $scenario"
    ;;
esac
