#!/bin/sh
# /init of the appliance board initramfs (busybox sh). What it does after
# bring-up is chosen by appliance.scenario= on the kernel command line, so
# every GRUB entry shares this one initramfs. Lines starting with
# "APPLIANCE-MARKER:" are parsed by tools/vm/Appliance.Vm.

export PATH=/usr/bin:/bin:/sbin:/usr/sbin

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
mkdir -p /sysroot /boot
mount -t ext4 -o ro /dev/vda1 /sysroot || fail "mount /dev/vda1"
mount --bind /sysroot/boot /boot || fail "bind /sysroot/boot"

marker "userspace entry=$entry scenario=$scenario uptime=$(cut -d' ' -f1 /proc/uptime)"

bootstatus=unknown
[ -r /sys/class/watchdog/watchdog0/bootstatus ] && bootstatus=$(cat /sys/class/watchdog/watchdog0/bootstatus)
marker "bootstatus=$bootstatus"

appliance --root / env list | sed 's/^/APPLIANCE-MARKER: grubenv /'

case "$scenario" in
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
