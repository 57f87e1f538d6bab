# tinyvmm - one Makefile. Sources are listed one per line.
#
#   make            build/tinyvmm, build/libtinyvmm.a (include/tinyvmm.h), build/examples/
#   make check      cmocka unit tests, rebuilt with ASan/UBSan
#   make images     guest image and lab host image (build/images/)
#   make lab-test   every scenario in tests/lab/scenarios/, in the lab
#   make test       setup + check + lab-test: what .ci/run runs
#   make demo       setup + boot a guest with a VF in the lab
#   WERROR=0        do not turn warnings into errors

CC      ?= gcc
WERROR  ?= 1
BUILD   := build
ASAN    := $(BUILD)/asan

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	   -Wformat=2 -Wundef -Wwrite-strings -Wpointer-arith
ifeq ($(WERROR),1)
WARN    += -Werror
endif
CFLAGS  := -std=gnu11 -O2 -g $(WARN) -fstack-protector-strong -D_GNU_SOURCE \
	   -pthread -MMD -MP $(EXTRA_CFLAGS)
LDLIBS  := -pthread -lpci
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# The VMM proper (everything but main.c). One source per line, grouped by area.
# --- core: CLI, KVM VM and vCPUs, memory, boot ---
CORE_SRCS :=
CORE_SRCS += vmm/log.c
CORE_SRCS += vmm/cli.c
CORE_SRCS += vmm/cli_vf.c
CORE_SRCS += vmm/mem.c
CORE_SRCS += vmm/bzimage.c
CORE_SRCS += vmm/vmlinux.c
CORE_SRCS += vmm/kernel.c
CORE_SRCS += vmm/boot.c
CORE_SRCS += vmm/cpu.c
CORE_SRCS += vmm/vm.c
CORE_SRCS += vmm/vcpu.c
CORE_SRCS += vmm/bus.c
CORE_SRCS += vmm/pio.c
CORE_SRCS += vmm/console.c
CORE_SRCS += vmm/events.c
CORE_SRCS += vmm/json.c
CORE_SRCS += vmm/config_file.c
CORE_SRCS += vmm/pcidev.c
CORE_SRCS += vmm/vfio.c
CORE_SRCS += vmm/vf_record.c
CORE_SRCS += vmm/vf_manage.c
CORE_SRCS += vmm/vf_list.c
CORE_SRCS += vmm/vf_cmd.c
CORE_SRCS += vmm/check.c
CORE_SRCS += vmm/vfio_ops.c
CORE_SRCS += vmm/pci_platform.c
CORE_SRCS += vmm/passthrough.c
CORE_SRCS += vmm/rtnl.c
CORE_SRCS += vmm/rtnl_sock.c
CORE_SRCS += vmm/api_proto.c
CORE_SRCS += vmm/api.c
CORE_SRCS += vmm/api_vm.c
CORE_SRCS += vmm/ctl.c
CORE_SRCS += vmm/tinyvmm.c
CORE_SRCS += vmm/tinyvmm_run.c

# --- devices ---
DEV_SRCS :=
DEV_SRCS += devices/serial.c
DEV_SRCS += devices/power.c
DEV_SRCS += devices/i8042.c
DEV_SRCS += devices/cmos.c
DEV_SRCS += devices/pci_host.c
DEV_SRCS += devices/vfio_pci.c
DEV_SRCS += devices/vfio_pci_cfg.c
DEV_SRCS += devices/vfio_pci_bar.c
DEV_SRCS += devices/vfio_pci_msix.c
DEV_SRCS += devices/vfio_pci_irq.c

# --- firmware: tables the guest reads ---
FW_SRCS :=
FW_SRCS += firmware/aml.c
FW_SRCS += firmware/acpi.c
FW_SRCS += firmware/bootparams.c

VMM_SRCS := $(CORE_SRCS) $(DEV_SRCS) $(FW_SRCS)

MAIN_SRC := vmm/main.c

# Unit tests: tests/test_<name>.c links only the sources in test_<name>_SRCS.
TESTS :=
# --- core tests ---
TESTS += bzimage
test_bzimage_SRCS := vmm/bzimage.c
TESTS += vmlinux
test_vmlinux_SRCS := vmm/vmlinux.c vmm/kernel.c vmm/bzimage.c
TESTS += mem
test_mem_SRCS := vmm/mem.c vmm/log.c
TESTS += cli
test_cli_SRCS := vmm/cli.c vmm/cli_vf.c vmm/rtnl.c vmm/log.c vmm/vfio.c vmm/pcidev.c vmm/vfio_ops.c vmm/config_file.c vmm/json.c
TESTS += vfio
test_vfio_SRCS := vmm/vfio.c vmm/pcidev.c vmm/vfio_ops.c vmm/log.c
TESTS += pcidev
test_pcidev_SRCS := vmm/pcidev.c tests/fake_sysfs.c
TESTS += vf_record
test_vf_record_SRCS := vmm/vf_record.c vmm/rtnl.c vmm/vfio.c vmm/pcidev.c vmm/vfio_ops.c vmm/log.c
TESTS += vf_list
test_vf_list_SRCS := vmm/vf_list.c vmm/pcidev.c vmm/rtnl.c vmm/rtnl_sock.c vmm/events.c vmm/json.c \
	vmm/log.c tests/fake_sysfs.c
TESTS += check
# check.c calls cli_parse_size(): cli.c and what it links
test_check_SRCS := vmm/check.c vmm/pcidev.c vmm/vfio.c vmm/vfio_ops.c vmm/cli.c vmm/cli_vf.c vmm/rtnl.c \
	vmm/config_file.c vmm/json.c vmm/log.c tests/fake_sysfs.c
TESTS += vf_manage
test_vf_manage_SRCS := vmm/vf_manage.c vmm/vf_record.c vmm/pcidev.c vmm/vfio.c vmm/vfio_ops.c vmm/rtnl.c \
	vmm/rtnl_sock.c vmm/log.c tests/fake_sysfs.c
TESTS += pci_platform
test_pci_platform_SRCS := vmm/pci_platform.c vmm/bus.c vmm/log.c
TESTS += boot
test_boot_SRCS := vmm/boot.c vmm/kernel.c vmm/vmlinux.c vmm/bzimage.c vmm/mem.c vmm/log.c firmware/acpi.c firmware/aml.c firmware/bootparams.c
TESTS += cpu
test_cpu_SRCS := vmm/cpu.c
TESTS += kvm
test_kvm_SRCS := vmm/vm.c vmm/vcpu.c vmm/cpu.c vmm/boot.c vmm/kernel.c vmm/vmlinux.c vmm/bzimage.c vmm/mem.c vmm/bus.c \
	vmm/pio.c vmm/console.c vmm/events.c vmm/log.c devices/serial.c devices/power.c devices/i8042.c \
	devices/cmos.c \
	firmware/acpi.c firmware/aml.c firmware/bootparams.c
TESTS += pio
test_pio_SRCS := vmm/pio.c vmm/bus.c vmm/log.c devices/pci_host.c
TESTS += events
test_events_SRCS := vmm/events.c vmm/log.c
TESTS += rtnl
test_rtnl_SRCS := vmm/rtnl.c
TESTS += rtnl_msg
test_rtnl_msg_SRCS := vmm/rtnl.c
TESTS += rtnl_sock
test_rtnl_sock_SRCS := vmm/rtnl.c vmm/rtnl_sock.c vmm/log.c
TESTS += json
test_json_SRCS := vmm/json.c
TESTS += config_file
test_config_file_SRCS := vmm/config_file.c vmm/json.c vmm/log.c
TESTS += jsonl_check
# runs the built tool (order-only prerequisite, not linked)
test_jsonl_check_SRCS := | $(BUILD)/tools/jsonl-check
TESTS += api
test_api_SRCS := vmm/api.c vmm/api_proto.c vmm/json.c vmm/events.c vmm/log.c
TESTS += tinyvmm
# test_tinyvmm runs the real binary: an order-only prerequisite, so it is built first but not linked
test_tinyvmm_SRCS := | $(BUILD)/tinyvmm
TESTS += lib
# the library end to end (include/tinyvmm.h): all of it
test_lib_SRCS := $(VMM_SRCS)

# --- device tests ---
TESTS += bus
test_bus_SRCS := vmm/bus.c vmm/log.c
TESTS += serial
test_serial_SRCS := devices/serial.c vmm/log.c
TESTS += cmos
test_cmos_SRCS := devices/cmos.c
TESTS += power
test_power_SRCS := devices/power.c devices/i8042.c vmm/log.c
TESTS += console
test_console_SRCS := vmm/console.c devices/serial.c vmm/log.c
TESTS += pci_host
test_pci_host_SRCS := devices/pci_host.c vmm/log.c
TESTS += pci_slots
test_pci_slots_SRCS := devices/pci_host.c vmm/log.c
VFIO_PCI_SRCS := devices/vfio_pci.c devices/vfio_pci_cfg.c devices/vfio_pci_bar.c \
	devices/vfio_pci_msix.c devices/vfio_pci_irq.c tests/fake_vfio.c tests/fake_plat.c vmm/log.c
TESTS += vfio_pci
test_vfio_pci_SRCS := $(VFIO_PCI_SRCS)
TESTS += vfio_pci_bar
test_vfio_pci_bar_SRCS := $(VFIO_PCI_SRCS)
TESTS += vfio_pci_msix
test_vfio_pci_msix_SRCS := $(VFIO_PCI_SRCS)
TESTS += vfio_pci_irq
test_vfio_pci_irq_SRCS := $(VFIO_PCI_SRCS)

# --- firmware tests ---
TESTS += aml
test_aml_SRCS := firmware/aml.c
TESTS += acpi
test_acpi_SRCS := firmware/acpi.c firmware/aml.c vmm/log.c
TESTS += bootparams
test_bootparams_SRCS := firmware/bootparams.c vmm/log.c

# ---------------------------------------------------------------------------

VMM_OBJS := $(VMM_SRCS:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(MAIN_SRC:%.c=$(BUILD)/%.o)

# Helpers the lab benchmarks run inside the lab host.
BENCH_TOOLS := $(BUILD)/bench/markertime
# Checkers the lab scenarios run inside the lab host (libc only: no python or jq there).
TOOLS := $(BUILD)/tools/jsonl-check

# The embeddable library: every VMM object (not main.o), one public header.
LIB := $(BUILD)/libtinyvmm.a
# Programs built on the library alone (include/tinyvmm.h); also in the lab host image.
EXAMPLES := $(BUILD)/examples/boot_vf
# The public header compiles as strict C99 (and as C++ when there is a C++ compiler).
HEADER_CHECK := $(BUILD)/tests/tinyvmm_h.stamp
HEADER_FLAGS := -Wall -Wextra -pedantic -Werror -fsyntax-only

all: $(BUILD)/tinyvmm $(LIB) $(EXAMPLES) $(HEADER_CHECK) $(BENCH_TOOLS) $(TOOLS)

$(BUILD)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<

$(BUILD)/tools/jsonl-check: tools/jsonl-check.c vmm/json.c vmm/json.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(filter %.c,$^)

# One relocatable object whose only global symbols are those listed in
# vmm/libtinyvmm.syms: the public API (include/tinyvmm.h) and the few entries
# the command's main.o uses. Every other name (vm_create, bus_register, ...)
# is local, so it cannot clash with a name in the embedding program.
LD      ?= ld
OBJCOPY ?= objcopy
$(LIB): $(VMM_OBJS) vmm/libtinyvmm.syms
	@rm -f $@
	$(LD) -r -o $(BUILD)/libtinyvmm.o $(VMM_OBJS)
	$(OBJCOPY) --keep-global-symbols=vmm/libtinyvmm.syms $(BUILD)/libtinyvmm.o
	@nm -g --defined-only $(BUILD)/libtinyvmm.o | awk '{ print $$3 }' | sort >$(BUILD)/libtinyvmm.got
	@sort vmm/libtinyvmm.syms | diff -u - $(BUILD)/libtinyvmm.got || \
		{ echo "libtinyvmm: exported symbols differ from vmm/libtinyvmm.syms"; exit 1; }
	$(AR) rcs $@ $(BUILD)/libtinyvmm.o

$(BUILD)/tinyvmm: $(MAIN_OBJ) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# Examples are plain C99 programs that see only the public header.
$(BUILD)/examples/%: examples/%.c include/tinyvmm.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) -std=c99 -O2 -g $(WARN) -pedantic -Iinclude -o $@ $< $(LIB) $(LDLIBS)

$(HEADER_CHECK): include/tinyvmm.h
	@mkdir -p $(dir $@)
	$(CC) -std=c99 $(HEADER_FLAGS) -x c $<
	@if command -v $(CXX) >/dev/null; then \
		echo "$(CXX) -std=c++11 $(HEADER_FLAGS) -x c++ $<"; \
		$(CXX) -std=c++11 $(HEADER_FLAGS) -x c++ $<; fi
	@touch $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(ASAN)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANFLAGS) -c -o $@ $<

define test_rule
$(ASAN)/tests/test_$(1): $(ASAN)/tests/test_$(1).o $$(patsubst %.c,$(ASAN)/%.o,$$(test_$(1)_SRCS))
	$$(CC) $$(CFLAGS) $$(SANFLAGS) -o $$@ $$^ -lcmocka $$(LDLIBS) $$(test_$(1)_LIBS)
endef
$(foreach t,$(TESTS),$(eval $(call test_rule,$(t))))

TEST_BINS := $(TESTS:%=$(ASAN)/tests/test_%)

check: $(TEST_BINS) $(HEADER_CHECK)
	@tests/run-unit $(TEST_BINS)

images: $(BUILD)/tinyvmm $(EXAMPLES) $(BENCH_TOOLS) $(TOOLS)
	guest-images/build-all

lab-test: images
	tests/lab/run --all

test:
	scripts/test

demo:
	scripts/setup
	$(MAKE) images
	tests/lab/run --show tests/lab/demo

clean:
	rm -rf $(BUILD)/*.o $(BUILD)/vmm $(BUILD)/devices $(BUILD)/firmware \
	       $(BUILD)/tests $(ASAN) $(BUILD)/tinyvmm $(LIB) $(BUILD)/examples

distclean:
	rm -rf $(BUILD)

.PHONY: all check images lab-test test demo clean distclean

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
