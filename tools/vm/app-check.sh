#!/bin/sh
# /etc/appliance/checks.d/required.d/50-app on the QEMU appliance board: a
# stand-in for the appliance's application health check. It fails when the
# entry's command line says appliance.check=fail (the trial-sick entry).
# The agent runs checks with a minimal environment, so no external commands.
read -r cmdline < /proc/cmdline
for word in $cmdline; do
  if [ "$word" = appliance.check=fail ]; then
    echo "app did not answer"
    exit 1
  fi
done
echo "app answered"
exit 0
