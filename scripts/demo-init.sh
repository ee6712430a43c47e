#!/bin/sh
# /init of the demo's Linux guest: show what it runs on, then power off.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "=== cxen demo: Linux PVH guest ==="
uname -a
echo "nproc: $(nproc)"
echo "clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
echo "Xen interrupts:"
grep -i xen /proc/interrupts
poweroff -f
