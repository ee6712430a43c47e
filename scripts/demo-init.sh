#!/bin/sh
# /init of the demo's Linux guests: show what the guest runs on, audit the
# kernel log, then power off. The system test (tests/system/cases/linux.py)
# checks each of these lines.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "CXEN-DEMO-MARKER: $(cat /proc/sys/kernel/hostname) reached /init"
uname -a
echo "nproc: $(nproc)"
echo "clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
echo "Xen interrupts:"
grep -i xen /proc/interrupts
# What a real Xen host would not make Linux print: WARN/BUG splats, oopses,
# MSR faults, unhandled exits. docs/linux-guests.md lists the lines that remain.
bad=$(dmesg | grep -cE 'WARNING: CPU|BUG:|Oops|Call Trace|unchecked MSR|unhandled')
echo "dmesg audit: $bad suspicious lines"
poweroff -f
