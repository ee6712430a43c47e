# The two commands of the README. Everything else is CMake (build/) and ctest.
BUILD ?= build
ARGS ?=

.PHONY: all setup build guest-kernel dom0-initramfs run test unit clean

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

# The demo: cxen on 4 emulated CPUs and 1 GiB; prints the memory map, the
# CPUs it brought up and the timer check, then runs two Debian stock Linux
# kernels as 2-vCPU PVH guests (busybox initramfs, scripts/demo-init.sh)
# beside an in-guest test kernel (scripts/make-demo.sh); QEMU exits when all
# have powered off. ARGS go to scripts/cxen-run (an xl.cfg file adds a domain).
DEMO := $(BUILD)/demo
run: build guest-kernel
	@scripts/make-demo.sh $(GUEST) $(BUILD)/guests $(DEMO)
	scripts/cxen-run --smp 4 --mem 1G --cmdline "selftest=timer" --kernel-loader $(BUILD)/tools/cxen-kernel-loader \
	  $(DEMO)/linux1.cfg $(DEMO)/linux2.cfg $(DEMO)/tests.cfg $(ARGS)

# Host unit tests and system tests (QEMU). ctest's summary line ends the log.
test: build guest-kernel
	cd $(BUILD) && ctest --output-on-failure --timeout 1500 -j2

unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit -j2

clean:
	rm -rf $(BUILD)
