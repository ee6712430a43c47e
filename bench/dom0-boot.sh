#!/bin/sh
# Time from the hypervisor's start to dom0's kernel (its first printk line),
# to its /init, to xenstored answering and to the toolstack being up
# (dom0/init.sh's "cxen-dom0: init", "xenstored up" and "ready" lines),
# on Debian's Xen 4.17 or on cxen, with
# the same dom0: Debian's stock kernel as a PVH dom0 with 512 MiB and
# 2 vCPUs, and the initramfs of scripts/mkdom0-initramfs.sh, whose script
# runs `xl list`. QEMU TCG, 2 CPUs, 3 GiB, as the Xen 4.17 harness
# (../shared/peer/xen417) runs it.
#
# "Start" is the hypervisor's first console line, stamped on the host as it
# arrives, like the markers (neither hypervisor stamps dom0's lines, and
# QEMU's TCG clock follows the host's). dom0's own uptime at each marker
# (its kernel's clock, from its own start) is reported beside it.
#   bench/dom0-boot.sh xen|cxen [RUNS]     (default RUNS 3)
# Xen's side needs an IOMMU for a PVH dom0 (Xen 4.17 panics "Presently,
# iommu must be enabled for PVH hardware domain"): QEMU's q35 with its
# emulated AMD IOMMU. The TCG workarounds are the harness's: -monitor
# (MWAIT), -rdtscp (QEMU's SVM reports RDTSCP as RDTSC without nrip, and
# Xen's TSC emulation then crashes the HVM/PVH guest), smap=0 smep=0,
# bootscrub=on; and -avx,-avx2: with AVX, dom0's processes on Xen died
# now and then of #UD on AVX instructions and the kernel warned "Bad FPU
# state" (XRSTOR #GP, mask 7), i.e. a vCPU ran with AVX off in XCR0; QEMU's
# XSETBV does not check the SVM intercept, so Xen never learns the guest's
# XCR0 (docs/control-domain.md). QEMU_CPU overrides the CPU model, for
# both sides, and XEN_CMDLINE Xen's options. cxen's side: `make` first
# (build/); the same QEMU machine unless CXEN_QEMU_ARGS says otherwise
# (e.g. CXEN_QEMU_ARGS= for QEMU's default pc).
set -eu
. "$(dirname "$0")/lib.sh"
side=${1:-}
case $side in xen|cxen) ;; *) echo "usage: $0 xen|cxen [RUNS]" >&2; exit 2 ;; esac
shift
bench_setup "$@"

kernel=$(scripts/fetch-guest-kernel.sh "$PWD/.cache/guest" | sed -n 's/^kernel=//p')
initrd=$(scripts/mkdom0-initramfs.sh)
echo "xl list" > "$tmp/script"
iommu="--qemu-arg=-machine --qemu-arg=q35 --qemu-arg=-device --qemu-arg=amd-iommu"
cpu="--qemu-arg=-cpu --qemu-arg=${QEMU_CPU:-EPYC,+svm,+npt,-monitor,-rdtscp,-avx,-avx2}"
if [ "$side" = xen ]; then
    scripts/fetch-debs.sh .cache/dom0/debs xen-hypervisor-4.17-amd64
    zcat .cache/dom0/debs/xen-hypervisor-4.17-amd64/boot/xen-4.17-amd64.gz > "$tmp/xen"
    what="Debian's Xen $(cat .cache/dom0/debs/xen-hypervisor-4.17-amd64.stamp)"
    hv_cmdline=${XEN_CMDLINE-smap=0 smep=0 bootscrub=on}
    args="--image $tmp/xen $iommu $cpu"
else
    what="cxen $(git rev-parse --short HEAD)"
    hv_cmdline=""
    args="--image build/hypervisor/cxen $cpu ${CXEN_QEMU_ARGS-$iommu}"
fi

# Host seconds from the first console line to each marker (as they arrive
# from cxen-run's stream), and dom0's uptime in the marker.
stamp='
import re, sys, time
t0, kernel = None, False
for line in sys.stdin:
    now = time.monotonic()
    t0 = t0 or now
    if not kernel and "Linux version" in line:  # the dom0 kernel starts printing
        kernel = True
        print("kernel", f"{now - t0:.2f}", 0, flush=True)
    m = re.search(r"cxen-dom0: (init|xenstored up|ready) \(uptime ([0-9.]+)\)", line)
    if m:
        print(m.group(1).split()[0], f"{now - t0:.2f}", m.group(2), flush=True)
'
for f in kernel init xenstored ready; do : > "$tmp/$f"; : > "$tmp/$f.up"; done
for i in $(seq "$runs"); do
    # shellcheck disable=SC2086
    { rc=0
      scripts/cxen-run --mem 3072M --smp 2 --timeout 900 --cmdline "$hv_cmdline" $args \
          --dom0 "$kernel" --dom0-initrd "$initrd" --dom0-mem 512M,max:512M --dom0-vcpus 2 \
          --dom0-script "$tmp/script" --log "$tmp/log" 2>"$tmp/err" || rc=$?
      echo $rc > "$tmp/rc"; } | python3 -c "$stamp" > "$tmp/times"
    if [ "$(cat "$tmp/rc")" != 0 ] || [ "$(wc -l < "$tmp/times")" != 4 ]; then
        echo "run $i failed (cxen-run exit $(cat "$tmp/rc")):" >&2
        cat "$tmp/err" >&2
        exit 1
    fi
    while read -r name host up; do
        echo "$host" >> "$tmp/$name"
        echo "$up" >> "$tmp/$name.up"
    done < "$tmp/times"
    echo "run $i: $(tr '\n' ' ' < "$tmp/times")(load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
done

row() {  # NAME LABEL
    read -r n med min max <<EOD
$(distribution "$tmp/$1")
EOD
    read -r _ umed umin umax <<EOD
$(distribution "$tmp/$1.up")
EOD
    if [ "$1" = kernel ]; then up=-; else up="$umed ($umin-$umax)"; fi
    echo "| $2 | $med | $min | $max | $up |"
}
cat <<EOT
## Hypervisor start to dom0's services ($what)

\`bench/dom0-boot.sh $side $runs\` on $(date -u +%Y-%m-%d), $(nproc) host cores, QEMU TCG
(\`$(echo "$args" | sed 's/--image [^ ]*//; s/--qemu-arg=//g; s/  */ /g; s/^ //')\`,
-smp 2 -m 3072M${hv_cmdline:+, hypervisor options \`$hv_cmdline\`}), Debian's $(basename "$kernel" | sed 's/^vmlinuz-//') as a PVH dom0 (512 MiB,
2 vCPUs) with the initramfs of scripts/mkdom0-initramfs.sh (Debian's Xen 4.17 tools).
Host seconds from the hypervisor's first console line to dom0's marker, over $runs boots,
and dom0's own uptime at the marker (median, min-max). Host load average at the end:
$(cut -d' ' -f1-3 /proc/loadavg).

| marker | median | min | max | dom0 uptime |
| --- | --- | --- | --- | --- |
$(row kernel "dom0 kernel's first line")
$(row init "/init runs")
$(row xenstored "xenstored answers")
$(row ready "xenconsoled up (ready)")
EOT
