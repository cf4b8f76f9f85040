#!/bin/sh
# /etc/appliance/checks.d/required.d/50-app on the QEMU appliance board: a
# stand-in for the appliance's application health check. It fails when the
# entry's command line says appliance.check=fail (the trial-sick entry).
# The agent runs checks with a minimal environment, so no external commands.
read -r cmdline < /proc/cmdline
# The agent captures a check's output; this line goes to the console so the
# host sees when the checks are done (the power-cut scenario cuts right after).
echo "APPLIANCE-MARKER: check 50-app ran" > /dev/console 2>/dev/null
for word in $cmdline; do
  if [ "$word" = appliance.check=panic ]; then
    # The kexec scenarios: the validator armed the rescue kernel before
    # running the checks and has not decided yet; the kernel dies here.
    read -r loaded < /sys/kernel/kexec_crash_loaded
    echo "APPLIANCE-MARKER: check 50-app panicking kexec_crash_loaded=$loaded" > /dev/console 2>/dev/null
    echo c > /proc/sysrq-trigger
  fi
  if [ "$word" = appliance.check=hang-daemon ]; then
    # trial-wdt-pretimeout (issue 16): the hang that stops the daemon but not the kernel.
    # SIGSTOP it (init.sh wrote its pid); the pretimeout fires 5 s after its last pet and the
    # panic governor panics into the crash kernel. This check waits, and never answers.
    read -r loaded < /sys/kernel/kexec_crash_loaded
    read -r pid < /run/wdt-daemon.pid
    kill -STOP "$pid"
    read -r up _ < /proc/uptime
    echo "APPLIANCE-MARKER: check 50-app panicking kexec_crash_loaded=$loaded via=sigstop pid=$pid uptime=$up" > /dev/console 2>/dev/null
    /bin/sleep 9
    echo "APPLIANCE-MARKER: check 50-app still alive 9 s after the daemon stopped" > /dev/console 2>/dev/null
    exit 1
  fi
  if [ "$word" = appliance.check=hang-all ]; then
    # trial-wdt-hang-plain (the failover bench's plain hang): the daemon and the validator
    # (this check's parent) stop, nothing panics; only the i6300esb's reset at 60 s ends it.
    read -r pid < /run/wdt-daemon.pid
    kill -STOP "$pid" "$PPID"
    read -r up _ < /proc/uptime
    echo "APPLIANCE-MARKER: check 50-app hanging via=sigstop daemon=$pid validator=$PPID uptime=$up" > /dev/console 2>/dev/null
    /bin/sleep 600
  fi
  if [ "$word" = appliance.check=oops ]; then
    # kexec-oops-panic-on-oops: an oops, not a panic; the validator armed
    # kexec and applied the panic policy (kernel.panic_on_oops=1), so the
    # oops becomes "Kernel panic - not syncing: Fatal exception". The module
    # (tools/vm/oops) dereferences NULL in its init.
    read -r loaded < /sys/kernel/kexec_crash_loaded
    read -r onoops < /proc/sys/kernel/panic_on_oops
    echo "APPLIANCE-MARKER: check 50-app panicking kexec_crash_loaded=$loaded panic_on_oops=$onoops via=oops" > /dev/console 2>/dev/null
    /sbin/modprobe appliance_oops > /dev/console 2>&1
    echo "APPLIANCE-MARKER: check 50-app still alive after the oops rc=$?" > /dev/console 2>/dev/null
  fi
  case "$word" in
    appliance.check=fail-after=*)
      # The stability-window scenario: healthy at first, failing once the
      # kernel has been up that many seconds.
      read -r up _ < /proc/uptime
      if [ "${up%%.*}" -ge "${word#appliance.check=fail-after=}" ]; then
        echo "APPLIANCE-MARKER: check 50-app failing at uptime=$up" > /dev/console 2>/dev/null
        echo "app stopped answering at uptime $up"
        exit 1
      fi
      ;;
  esac
  if [ "$word" = appliance.check=fail ]; then
    echo "app did not answer"
    exit 1
  fi
done
echo "app answered"
exit 0
