# The two commands of the README. Everything else is CMake (build/) and ctest.
BUILD ?= build
ARGS ?=

.PHONY: all setup build run test unit clean

all: build

setup:
	@scripts/setup.sh

build: setup
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD)

# The demo: cxen on 4 emulated CPUs; prints the memory map, the CPUs it
# brought up and the timer check, then runs two PVH domains (the in-guest
# smoke test kernel) side by side; QEMU exits when both have powered off.
# ARGS go to scripts/cxen-run (e.g. ARGS="my.cfg" adds a domain).
DEMO := $(BUILD)/demo
run: build
	@mkdir -p $(DEMO)
	@for d in alpha beta; do \
	  printf 'name = "%s"\ntype = "pvh"\nmemory = 64\nvcpus = 1\nkernel = "../guests/hello.elf"\ncmdline = "require_xen"\n' $$d > $(DEMO)/$$d.cfg; \
	done
	scripts/cxen-run --smp 4 --mem 512M --cmdline "selftest=timer" $(DEMO)/alpha.cfg $(DEMO)/beta.cfg $(ARGS)

# Host unit tests and system tests (QEMU). ctest's summary line ends the log.
test: build
	cd $(BUILD) && ctest --output-on-failure --timeout 1500 -j2

unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit -j2

clean:
	rm -rf $(BUILD)
