# The two commands of the README. Everything else is CMake (build/) and ctest.
BUILD ?= build
ARGS ?=

.PHONY: all setup build guest-kernel run test unit clean

all: build

setup:
	@scripts/setup.sh

# Debian's stock kernel and busybox for Linux guests, in .cache/guest.
GUEST := $(CURDIR)/.cache/guest
guest-kernel: setup
	@scripts/fetch-guest-kernel.sh $(GUEST) >/dev/null

build: setup
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD)

# The demo: cxen on 4 emulated CPUs; prints the memory map, the CPUs it
# brought up and the timer check, then runs Debian's stock Linux kernel as
# a 2-vCPU PVH guest (busybox initramfs, demo/init.sh) beside two in-guest test
# kernels; QEMU exits when all have powered off.
# ARGS go to scripts/cxen-run (e.g. ARGS="my.cfg" adds a domain).
DEMO := $(BUILD)/demo
run: build guest-kernel
	@mkdir -p $(DEMO)
	@for d in alpha beta; do \
	  printf 'name = "%s"\ntype = "pvh"\nmemory = 64\nvcpus = 1\nkernel = "../guests/hello.elf"\ncmdline = "require_xen"\n' $$d > $(DEMO)/$$d.cfg; \
	done
	@scripts/mkinitramfs.sh $(GUEST)/busybox/bin/busybox scripts/demo-init.sh $(DEMO)/initrd.gz
	@printf 'name = "linux"\ntype = "pvh"\nmemory = 256\nvcpus = 2\nkernel = "%s"\nramdisk = "initrd.gz"\ncmdline = "console=hvc0 rdinit=/init"\n' \
	  "$$(ls $(GUEST)/kernel/boot/vmlinuz-*)" > $(DEMO)/linux.cfg
	scripts/cxen-run --smp 4 --mem 512M --cmdline "selftest=timer" --kernel-loader $(BUILD)/tools/cxen-kernel-loader \
	  $(DEMO)/linux.cfg $(DEMO)/alpha.cfg $(DEMO)/beta.cfg $(ARGS)

# Host unit tests and system tests (QEMU). ctest's summary line ends the log.
test: build guest-kernel
	cd $(BUILD) && ctest --output-on-failure --timeout 1500 -j2

unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit -j2

clean:
	rm -rf $(BUILD)
