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
# brought up and the timer check, then QEMU exits. ARGS go to scripts/cxen-run.
run: build
	scripts/cxen-run --smp 4 --mem 512M --cmdline "selftest=timer" $(ARGS)

# Host unit tests and system tests (QEMU). ctest's summary line ends the log.
test: build
	cd $(BUILD) && ctest --output-on-failure --timeout 1500 -j2

unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit -j2

clean:
	rm -rf $(BUILD)
