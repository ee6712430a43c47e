# The two commands of the README. Everything else is CMake (build/) and ctest.
BUILD ?= build
ARGS ?=

.PHONY: all setup build guest-kernel dom0-initramfs run shell test unit clean

all: build

setup:
	@scripts/setup.sh

# Debian's stock kernel and busybox for Linux guests, in .cache/guest.
GUEST := $(CURDIR)/.cache/guest
guest-kernel: setup
	@scripts/fetch-guest-kernel.sh $(GUEST) >/dev/null

# Dom0's initramfs: Debian's Xen 4.17 toolstack, busybox and the guest
# kernel's Xen modules (docs/control-domain.md), in .cache/dom0.
dom0-initramfs: setup
	@scripts/mkdom0-initramfs.sh >/dev/null

build: setup
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD)

# The demo: cxen on 4 emulated CPUs and 1.5 GiB with a Debian 6.1 PVH dom0
# running Xen 4.17's toolstack (docs/control-domain.md). Beside it, two
# Debian stock Linux kernels as boot-built 2-vCPU PVH domUs (busybox
# initramfs, scripts/demo-init.sh) and an in-guest test kernel
# (scripts/make-demo.sh). Dom0 runs dom0/demo-script.sh (xl info, xl list,
# xl vcpu-list, xl dmesg) and powers off, which ends the run. ARGS go to
# scripts/cxen-run (an xl.cfg file adds a domain). `make shell` gives an
# interactive dom0 shell instead.
DEMO := $(BUILD)/demo
run: build guest-kernel dom0-initramfs
	@scripts/make-demo.sh $(GUEST) $(BUILD)/guests $(DEMO)
	scripts/cxen-run --smp 4 --mem 1536M --cmdline "selftest=timer" \
	  --dom0 $$(ls $(GUEST)/kernel/boot/vmlinuz-* | head -n1) --dom0-mem 512M --dom0-script dom0/demo-script.sh \
	  $(DEMO)/linux1.cfg $(DEMO)/linux2.cfg $(DEMO)/tests.cfg $(ARGS)

# A dom0 shell on the serial console (power dom0 off to end the run).
shell: build guest-kernel dom0-initramfs
	scripts/cxen-run --smp 2 --mem 1G \
	  --dom0 $$(ls $(GUEST)/kernel/boot/vmlinuz-* | head -n1) --dom0-mem 512M $(ARGS)

# Host unit tests and system tests (QEMU). ctest's summary line ends the log.
test: build guest-kernel dom0-initramfs
	cd $(BUILD) && ctest --output-on-failure --timeout 1500 -j2

unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit -j2

clean:
	rm -rf $(BUILD)
