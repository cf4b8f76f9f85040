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
  # A networked board (appliance.net=1) stays up instead of powering off, so
  # the controller (Ansible) can reach it; it goes down when told over SSH.
  if [ "$1" = poweroff ] && [ "$net" = 1 ] && [ "$staying" = no ]; then stay_up; fi
  sync
  umount /boot/efi 2>/dev/null
  umount /var/lib/appliance 2>/dev/null
  umount /boot 2>/dev/null
  umount /sysroot 2>/dev/null
  marker "end action=$1"
  if [ "$1" = reboot ]; then reboot -f; else poweroff -f; fi
  sleep 3600
}

# Networked boards (appliance.net=1): busybox reboot/poweroff without -f only
# signal PID 1 (TERM reboots, USR2 powers off, USR1 halts), which a shell
# ignores unless it traps them; a sleep in the background keeps the traps
# prompt. QEMU restarts the guest on reboot (no -no-reboot).
stay_up() {
  staying=yes
  trap 'finish reboot' TERM
  trap 'staying=done; finish poweroff' USR1 USR2
  marker "net staying up ssh=$ssh_state"
  while :; do
    sleep 3600 &
    wait $!
  done
}

# e1000 with QEMU's user network: static 10.0.2.15/24, gateway 10.0.2.2; the
# host reaches dropbear through -nic user,hostfwd=tcp:127.0.0.1:PORT-:22.
net_up() {
  modprobe e1000 || { ssh_state="no-e1000"; return; }
  ip link set lo up
  ip link set eth0 up || { ssh_state="no-eth0"; return; }
  ip addr add 10.0.2.15/24 dev eth0
  ip route add default via 10.0.2.2
  mkdir -p /dev/pts /run /var/log
  mount -t devpts devpts /dev/pts
  : > /var/log/lastlog
  dropbear -F -E -s -j -k -p 22 -r /etc/dropbear/dropbear_ed25519_host_key </dev/null 2>&1 |
    sed 's/^/dropbear: /' &
  ssh_state=up
  marker "net up addr=10.0.2.15 dropbear=started uptime=$(cut -d' ' -f1 /proc/uptime)"
}

fail() {
  marker "error $*"
  finish poweroff
}

scenario=healthy
entry=unknown
next=good
rescue=no
armkexec=no
stability=0
rejectkexec=no
rescuekexec=yes
wdt=pets
wdtpre=no
net=0
staying=no
ssh_state=off
# The ext4 /boot partition: the first on the BIOS board (msdos label), the second on the
# UEFI board, whose grub.cfg says appliance.bootdev=/dev/vda2 (partition 1 is the ESP).
bootdev=/dev/vda1
esp=""
# The entry the kexec-arm scenario arms (uefi-kexec-unsigned arms an unsigned kernel's entry).
kexecentry=good
for word in $(cat /proc/cmdline); do
  case "$word" in
    appliance.scenario=*) scenario=${word#appliance.scenario=} ;;
    appliance.entry=*) entry=${word#appliance.entry=} ;;
    appliance.next=*) next=${word#appliance.next=} ;;
    appliance.armkexec=*) armkexec=${word#appliance.armkexec=} ;;
    appliance.stability=*) stability=${word#appliance.stability=} ;;
    appliance.rejectkexec=*) rejectkexec=${word#appliance.rejectkexec=} ;;
    appliance.rescuekexec=*) rescuekexec=${word#appliance.rescuekexec=} ;;
    appliance.wdt=*) wdt=${word#appliance.wdt=} ;;
    appliance.wdtpre=*) wdtpre=${word#appliance.wdtpre=} ;;
    appliance.rescue=1) rescue=yes ;;
    appliance.net=1) net=1 ;;
    appliance.bootdev=*) bootdev=${word#appliance.bootdev=} ;;
    appliance.esp=*) esp=${word#appliance.esp=} ;;
    appliance.kexecentry=*) kexecentry=${word#appliance.kexecentry=} ;;
  esac
done
# The rescue (crash) kernel is this same kernel and initramfs, loaded by
# `appliance kexec arm` with the known-good entry's arguments plus
# appliance.rescue=1: detect it first, whatever the scenario word says, and
# validate (the validator saves the panic log, rejects the trial and reboots
# through the firmware).
[ -e /proc/vmcore ] && rescue=yes
if [ "$rescue" = yes ]; then
  marker "rescue kernel vmcore=$([ -e /proc/vmcore ] && echo yes || echo no) uptime=$(cut -d' ' -f1 /proc/uptime)"
  scenario=validate
fi
# Entries that test the kexec failover turn [Boot] ArmKexec on (the image's
# config has it off, so the other trials do not pay for arming).
if [ "$armkexec" = yes ]; then
  sed -i 's/^ArmKexec=.*/ArmKexec=yes/' /etc/appliance/appliance.conf || fail "ArmKexec=yes"
fi
# The reject-by-kexec scenario turns [Boot] RejectByKexec on (off on the image).
if [ "$rejectkexec" = yes ]; then
  sed -i 's/^RejectByKexec=.*/RejectByKexec=yes/' /etc/appliance/appliance.conf || fail "RejectByKexec=yes"
fi
# The rescue's way out (issue 16), from grubenv's vm_cmdline, which reaches the rescue through
# known-good's entry arguments: no turns [Boot] RescueByKexec off (the firmware-reboot
# scenarios); refused leaves it on but disables kexec loads in the rescue
# (kernel.kexec_load_disabled, kernel/kexec_core.c), so its soft kexec fails for real.
if [ "$rescuekexec" = no ]; then
  sed -i 's/^RescueByKexec=.*/RescueByKexec=no/' /etc/appliance/appliance.conf || fail "RescueByKexec=no"
fi
if [ "$rescuekexec" = refused ] && [ "$rescue" = yes ]; then
  echo 1 > /proc/sys/kernel/kexec_load_disabled || fail "kexec_load_disabled=1"
  marker "rescue kexec_load_disabled=$(cat /proc/sys/kernel/kexec_load_disabled)"
fi
# The stability-window scenario sets [Boot] StabilitySec (0 on the image).
if [ "$stability" != 0 ]; then
  sed -i "s/^StabilitySec=.*/StabilitySec=$stability/" /etc/appliance/appliance.conf || fail "StabilitySec=$stability"
fi

modprobe virtio_pci || fail "modprobe virtio_pci"
modprobe virtio_blk || fail "modprobe virtio_blk"
modprobe ext4 || fail "modprobe ext4"
modprobe i6300esb || fail "modprobe i6300esb"

tries=0
while [ ! -b "$bootdev" ]; do
  tries=$((tries + 1))
  [ "$tries" -gt 50 ] && fail "no $bootdev"
  sleep 0.1
done
# The partition is laid out like a root file system holding /boot (GRUB's
# prefix is (hd0,msdos1)/boot/grub); bind its /boot over ours so
# `appliance --root /` finds /boot/grub/grubenv.
# The validator writes grubenv and its boot journal, so it gets the partition
# read-write, with the journal on it (/var/lib/appliance survives reboots).
mkdir -p /sysroot /boot
mode=ro
case "$scenario" in (validate|kexec-arm|watchdog) mode=rw ;; esac
mount -t ext4 -o "$mode" "$bootdev" /sysroot || fail "mount $bootdev $mode"
mount --bind /sysroot/boot /boot || fail "bind /sysroot/boot"
if [ "$mode" = rw ]; then
  mkdir -p /sysroot/var/lib/appliance || fail "mkdir /sysroot/var/lib/appliance"
  mount --bind /sysroot/var/lib/appliance /var/lib/appliance || fail "bind /var/lib/appliance"
fi
# Fedora's layout (the UEFI board's ESP-grubenv scenario puts appliance.esp=/dev/vda1 in
# grubenv's vm_cmdline): /boot/grub/grubenv and grub.cfg are links into the EFI system
# partition, mounted at /boot/efi with the same mode as /boot.
if [ -n "$esp" ]; then
  for m in vfat nls_cp437 nls_ascii nls_utf8; do modprobe "$m" || fail "modprobe $m"; done
  mount -t vfat -o "$mode" "$esp" /boot/efi || fail "mount -t vfat $esp /boot/efi $mode"
  marker "esp mounted $esp mode=$mode grubenv=$(readlink /boot/grub/grubenv)"
fi

# Booted through UEFI (the kernel's EFI stub made /sys/firmware/efi): say whether Secure Boot
# is on, from the SecureBoot variable (EFI global variable GUID 8be4df61-...; efivarfs prefixes
# each value with 4 bytes of attributes, so the last byte is the value, 1 = enabled), and
# which lockdown mode the kernel chose (the selected one is in brackets; Debian's kernel
# locks down to integrity under Secure Boot, CONFIG_LOCK_DOWN_IN_EFI_SECURE_BOOT).
if [ -d /sys/firmware/efi ]; then
  modprobe efivarfs
  mount -t efivarfs efivarfs /sys/firmware/efi/efivars
  mount -t securityfs securityfs /sys/kernel/security
  sb=/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c
  secureboot=missing
  [ -r "$sb" ] && secureboot=$(od -An -tu1 "$sb" | tr -s ' ' '\n' | grep . | tail -n 1)
  lockdown=missing
  [ -r /sys/kernel/security/lockdown ] && lockdown=$(tr ' ' ',' < /sys/kernel/security/lockdown)
  marker "efi secureboot=$secureboot lockdown=$lockdown"
  # pstore's backend on UEFI (issue 15): efi-pstore keeps a panic's log in EFI variables
  # (kmsg_dump at panic, when no crash kernel is loaded). systemd mounts pstore on a real
  # system; here init.sh does, so the validator's forensics find the records. Not fatal: the
  # scenarios that do not need it go on.
  if modprobe efi-pstore && mount -t pstore pstore /sys/fs/pstore; then
    marker "pstore backend=$(cat /sys/module/pstore/parameters/backend 2>/dev/null) records=$(ls /sys/fs/pstore | tr '\n' ',')"
  else
    marker "pstore unavailable"
  fi
fi

marker "userspace entry=$entry scenario=$scenario uptime=$(cut -d' ' -f1 /proc/uptime)"
# RAM this kernel was given (a known-good entered by kexec from the rescue must see all of it).
marker "memory entry=$entry total_kb=$(sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p' /proc/meminfo)"

if [ "$net" = 1 ]; then
  net_up
  # Traps from the start: a reboot asked over SSH while the validator runs
  # happens as soon as it returns.
  trap 'finish reboot' TERM
fi

bootstatus=unknown
[ -r /sys/class/watchdog/watchdog0/bootstatus ] && bootstatus=$(cat /sys/class/watchdog/watchdog0/bootstatus)
marker "bootstatus=$bootstatus"

# Each appliance run costs ~1.2 s under TCG: the validate path lists nothing
# extra (the status marker and the host's grubenv reads say it all).
case "$scenario" in (validate|watchdog|kexec-arm) ;; (*) appliance --root / env list | sed 's/^/APPLIANCE-MARKER: grubenv /' ;; esac

# Operator's commands left on the partition by the host (Appliance.Vm
# DiskFiles), one appliance command line per line, e.g. "upgrade stage trial
# --tries 3 --reboot": each validating boot that gets past validation runs
# the first one and drops it.
request=/sysroot/vm-request

# The agent's watchdog daemon (`appliance watchdog run`), configured by
# appending a [Watchdog] section to the image's appliance.conf. Modes
# (appliance.wdt=): pets (i6300esb + softdog, 30 s, then SIGTERM with the magic
# close), kill (SIGKILL the daemon; the i6300esb resets the VM), check-fail
# (a failing health check makes it stop petting on purpose), gpio (a gpio-sim
# line as a GPIO watchdog), report (the boot after a reset: start the daemon,
# which records reset-cause.json, and print both records).
watchdog_scenario() {
  conf=/etc/appliance/appliance.conf
  modprobe i6300esb || fail "modprobe i6300esb"
  {
    echo "[Watchdog]"
    echo "Board=none"
    echo "Device=identity:i6300ESB timer"
    echo "Timeout=5"
    echo "Interval=1s"
    echo "MagicCloseOnStop=yes"
  } >> "$conf"
  case "$1" in
    pets)
      modprobe softdog || fail "modprobe softdog"
      printf 'Device=identity:Software Watchdog\nBuiltinChecks=fds\n' >> "$conf" ;;
    check-fail)
      printf 'Check=/bin/false\nGrace=3s\nCheckInterval=1s\nRepair=/bin/true\n' >> "$conf" ;;
    gpio)
      gpio_sim_chip
      printf 'GpioChip=/dev/%s\nGpioLine=3\nGpioMode=toggle\n' "$gpiochip" >> "$conf" ;;
    i2c-temp)
      # One [Check:board-temp] section serves `appliance check` and, through HealthCheck=,
      # the daemon. 25.0 degrees C first: the LM75's temperature register is big-endian,
      # SMBus words travel low byte first, so word 0x0019 reads as 0x19 = 25.
      i2c_stub_sensor
      i2cset -y "$i2cbus" 0x48 0x00 0x0019 w || fail "i2cset 25 C"
      printf 'HealthCheck=board-temp\nBuiltinChecks=fds\nGrace=3s\nCheckInterval=1s\n' >> "$conf"
      printf '[Check:board-temp]\nType=i2c-temperature\nRequired=yes\nBus=%s\nAddress=0x48\nMaxCelsius=70\n' "$i2cbus" >> "$conf"
      appliance --root / check > /tmp/check.out 2>&1
      marker "wdt i2c check rc=$? at=25C $(tr '\n' ' ' < /tmp/check.out)" ;;
  esac
  # After a reset, the next boot reports (the daemon writes reset-cause.json as it starts).
  case "$1" in
    kill|check-fail|i2c-temp) appliance --root / env set next_entry=wdt-report >/dev/null || fail "env set next_entry" ;;
  esac
  mkdir -p /run
  appliance --root / watchdog run &
  daemon=$!
  waited=0
  while [ ! -s /run/appliance/watchdog/state.json ] && [ "$waited" -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
  marker "wdt daemon running pid=$daemon mode=$1 uptime=$(cut -d' ' -f1 /proc/uptime)"
  case "$1" in
    pets)
      sleep 30
      marker "wdt info $(appliance --root / watchdog info --json | tr -d '\n')"
      marker "wdt status $(appliance --root / watchdog status --json | tr -d '\n')"
      kill -TERM "$daemon"
      wait "$daemon"
      marker "wdt daemon stopped rc=$? uptime=$(cut -d' ' -f1 /proc/uptime)"
      # Disarmed by the magic close: 8 s (> Timeout) without a reset.
      sleep 8
      marker "wdt still alive after stop"
      finish poweroff
      ;;
    gpio)
      path=/sys/devices/platform/$gpiodev/$gpiochip/sim_gpio3/value
      values=""
      for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do values="$values$(cat "$path")"; sleep 0.25; done
      # RSS once the daemon has settled (every check reported, start-up pages handed back), as
      # the i2c-temp mode reads it: 8 s after start.
      sleep 5
      marker "wdt gpio line=3 chip=$gpiochip values=$values rss=$(grep VmRSS /proc/$daemon/status | tr -s ' ' | cut -d' ' -f2)kB"
      kill -TERM "$daemon"
      wait "$daemon"
      marker "wdt daemon stopped rc=$?"
      finish poweroff
      ;;
    kill)
      sleep 3
      kill -KILL "$daemon"
      marker "wdt daemon killed timeout=5 uptime=$(cut -d' ' -f1 /proc/uptime)"
      sleep 60
      marker "error still alive after watchdog timeout"
      finish poweroff
      ;;
    check-fail)
      sleep 60
      marker "error still alive after the check failed"
      finish poweroff
      ;;
    i2c-temp)
      sleep 8
      marker "wdt i2c healthy pid=$daemon alive=$([ -d /proc/$daemon ] && echo yes || echo no) rss=$(grep VmRSS /proc/$daemon/status | tr -s ' ' | cut -d' ' -f2)kB"
      i2cset -y "$i2cbus" 0x48 0x00 0x005a w || fail "i2cset 90 C"
      appliance --root / check > /tmp/check.out 2>&1
      marker "wdt i2c check rc=$? at=90C $(tr '\n' ' ' < /tmp/check.out)"
      sleep 60
      marker "error still alive after the sensor went over the limit"
      finish poweroff
      ;;
    report)
      marker "wdt reset-cause $(tr -d '\n' < /var/lib/appliance/watchdog/reset-cause.json)"
      marker "wdt last-stop $(tr -d '\n' < /var/lib/appliance/watchdog/last-stop.json 2>/dev/null || echo none)"
      kill -TERM "$daemon"
      wait "$daemon"
      marker "wdt daemon stopped rc=$?"
      finish poweroff
      ;;
  esac
}

# i2c-stub (Documentation/i2c/i2c-stub.rst): an SMBus adapter with a register-file chip at
# 0x48, where an LM75 answers; i2c-dev gives it /dev/i2c-N. Sets i2cbus to N.
i2c_stub_sensor() {
  modprobe i2c-stub chip_addr=0x48 || fail "modprobe i2c-stub"
  modprobe i2c-dev || fail "modprobe i2c-dev"
  i2cbus=""
  for a in /sys/class/i2c-adapter/i2c-*; do
    [ "$(cat "$a/name")" = "SMBus stub driver" ] && i2cbus=${a##*/i2c-}
  done
  [ -n "$i2cbus" ] && [ -c "/dev/i2c-$i2cbus" ] || fail "no /dev/i2c-N for i2c-stub"
  marker "i2c-stub bus=$i2cbus address=0x48"
}

# gpio-sim (tools/vm/gpio-sim, built into the image when available): one
# 8-line chip through configfs; sets gpiodev (platform device) and gpiochip.
gpio_sim_chip() {
  modprobe gpio-sim || fail "modprobe gpio-sim (image built without tools/vm/gpio-sim?)"
  mkdir -p /sys/kernel/config
  mount -t configfs none /sys/kernel/config || fail "mount configfs"
  d=/sys/kernel/config/gpio-sim/appliance
  mkdir $d $d/gpio-bank0 || fail "gpio-sim configfs"
  echo 8 > $d/gpio-bank0/num_lines
  echo 1 > $d/live || fail "gpio-sim live"
  gpiodev=$(cat $d/dev_name)
  gpiochip=$(cat $d/gpio-bank0/chip_name)
  marker "gpio-sim dev=$gpiodev chip=$gpiochip"
}

# Issue 16 (appliance.wdtpre=yes, the trial-wdt-pretimeout entry): before the validator,
# the daemon pets the i6300esb with a pretimeout and the panic governor. Timeout=60 is the
# hardware backstop for a kernel dead outright; Pretimeout=55 fires the panic 5 s after the
# last pet. The rescue kernel's modprobe i6300esb stops the timer (esb_initdevice), well
# inside the 60 s. The check (app-check.sh, appliance.check=hang-daemon) SIGSTOPs the daemon.
# appliance.wdtpre=none (trial-wdt-hang-plain, the bench's plain path) runs the same daemon
# without a pretimeout: the hang then waits for the hardware reset at 60 s.
if [ "$wdtpre" = yes ] || [ "$wdtpre" = none ] && [ "$rescue" != yes ]; then
  if [ "$wdtpre" = yes ]; then
    modprobe pretimeout_panic || fail "modprobe pretimeout_panic"
    pretimeout='Pretimeout=55\nPretimeoutGovernor=panic\n'
  else
    pretimeout=''
  fi
  printf "[Watchdog]\nBoard=none\nDevice=identity:i6300ESB timer\nTimeout=60\n${pretimeout}Interval=1s\nBuiltinChecks=fds\n" >> /etc/appliance/appliance.conf
  mkdir -p /run
  appliance --root / watchdog run &
  echo $! > /run/wdt-daemon.pid
  waited=0
  while [ ! -s /run/appliance/watchdog/state.json ] && [ "$waited" -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
  w=/sys/class/watchdog/watchdog0
  marker "wdt pretimeout daemon pid=$(cat /run/wdt-daemon.pid) timeout=$(cat $w/timeout) pretimeout=$(cat $w/pretimeout 2>/dev/null || echo none) governor=$(cat $w/pretimeout_governor 2>/dev/null || echo none) available=$(tr ' ' ',' < $w/pretimeout_available_governors 2>/dev/null | tr -d '\n') uptime=$(cut -d' ' -f1 /proc/uptime)"
  marker "wdt status $(appliance --root / watchdog status 2>&1 | grep '^target' | tr '\n' ' ')"
fi

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
    [ -d /sys/firmware/efi ] && marker "pstore after validate records=$(ls /sys/fs/pstore 2>/dev/null | tr '\n' ',')"
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
  vfat-env)
    # Fedora's layout: /boot/grub2/grubenv is a symlink into the EFI system partition
    # (vfat, here the second disk, built by the host with mkfs.vfat). Three real grubenv
    # writes through it; the host reads the file back with mtools and grub-editenv.
    for m in vfat nls_cp437 nls_ascii nls_utf8; do modprobe "$m" || fail "modprobe $m"; done
    tries=0
    while [ ! -b /dev/vdb ]; do
      tries=$((tries + 1))
      [ "$tries" -gt 50 ] && fail "no /dev/vdb"
      sleep 0.1
    done
    fedora=/tmp/fedora
    mkdir -p "$fedora/boot/efi" "$fedora/boot/grub2"
    mount -t vfat /dev/vdb "$fedora/boot/efi" || fail "mount -t vfat /dev/vdb"
    ln -s ../efi/EFI/fedora/grubenv "$fedora/boot/grub2/grubenv"
    for assignment in appliance_vfat=one vfat_second=two appliance_vfat=three; do
      appliance --root "$fedora" env set "$assignment"
      marker "vfat env set $assignment rc=$?"
    done
    marker "vfat files $(ls -a "$fedora/boot/efi/EFI/fedora" | tr '\n' ' ')"
    umount "$fedora/boot/efi" || fail "umount vfat"
    finish poweroff
    ;;
  kexec-arm)
    # `appliance kexec arm` then `disarm`; the entry decides whether the
    # kernel has a crash reservation (crashkernel=) at all.
    marker "kexec reserved=$(cat /sys/kernel/kexec_crash_size) crash_loaded=$(cat /sys/kernel/kexec_crash_loaded) entry=$kexecentry"
    appliance --root / kexec arm "$kexecentry"
    rc=$?
    marker "kexec arm rc=$rc crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"
    if [ "$rc" = 0 ]; then
      appliance --root / kexec disarm
      rc=$?
      marker "kexec disarm rc=$rc crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"
    fi
    finish poweroff
    ;;
  watchdog)
    watchdog_scenario "$wdt"
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
