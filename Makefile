# Appliance: boot-safety agent. See README.md.
#   make demo   the main job on the default QEMU appliance board
#   make test   everything, VM suite included (what CI runs)
SHELL := /bin/bash
DOTNET ?= dotnet
RID ?= linux-x64
PREFIX ?= /usr/local
DESTDIR ?=
BIN := artifacts/bin/appliance
VM_DIR := artifacts/vm
# One scenario of the VM suite: make vm-test SCENARIO=NextEntry
SCENARIO ?=
# The board make demo runs: qemu-x86_64 (default, busybox, fast) or debian-12 (stock Debian).
BOARD ?=

UNIT_TESTS := tests/Appliance.Tests/bin/Release/net10.0/Appliance.Tests
VM_TESTS := tests/Appliance.VmTests/bin/Release/net10.0/Appliance.VmTests

.PHONY: all deps build publish test unit-test vm-image vm-test demo bench install clean

all: build

deps:
	tools/deps.sh

build:
	$(DOTNET) build Appliance.sln -c Release -warnaserror

# The AOT publish is part of every test run: any AOT or trim warning fails it.
publish:
	$(DOTNET) publish src/Appliance.Cli -c Release -r $(RID) -warnaserror -o artifacts/bin
	@echo "publish: $(BIN) is $$(stat -c %s $(BIN)) bytes"

# deb: the Debian 12 board's smoke test installs artifacts/appliance_*_amd64.deb with dpkg -i.
test: deps publish build deb vm-image
	tools/run-tests.sh $(UNIT_TESTS) -- $(VM_TESTS)

unit-test: publish build
	tools/run-tests.sh $(UNIT_TESTS)

# The boards: the busybox appliance board (SeaBIOS, and its UEFI + Secure Boot variant), and the stock Debian 12 board (the same two:
# debian-12 and debian-12-uefi; cached outside the clone in ${APPLIANCE_VM_CACHE:-/var/cache/appliance/vm}; seconds when its inputs are unchanged).
vm-image: publish
	tools/vm/build-image.sh $(VM_DIR)
	tools/vm/build-image.sh --uefi $(VM_DIR)/qemu-x86_64-uefi
	tools/vm/debian/build-image.sh $(VM_DIR)
	tools/vm/debian/build-image.sh --uefi $(VM_DIR)

vm-test: deps publish build deb vm-image
	tools/run-tests.sh $(VM_TESTS) $(if $(SCENARIO),-method '*$(SCENARIO)*')

# make demo BOARD=debian-12: the upgrade procedure and a sick trial on the stock Debian board.
demo: deps publish deb vm-image
	$(DOTNET) run --project tools/vm/Appliance.Vm -c Release -- demo $(if $(BOARD),--board $(BOARD))

bench: deps publish
	tools/bench/run.sh

# Binary, GRUB drop-in, units, default config, check and hook directories, man page,
# completion: see tools/packaging/install.sh. make install PREFIX=/usr DESTDIR=/tmp/stage
install: publish
	PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" tools/packaging/install.sh $(BIN)

# artifacts/appliance_<version>_amd64.deb, built with dpkg-deb (see tools/packaging/deb/build.sh).
.PHONY: deb
deb: publish
	tools/packaging/deb/build.sh $(BIN) artifacts

clean:
	$(DOTNET) clean Appliance.sln -c Release >/dev/null
	rm -rf artifacts
