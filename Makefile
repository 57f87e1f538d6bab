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
	   -I. -Ivmm/arch/x86/include -pthread -MMD -MP $(EXTRA_CFLAGS)
LDLIBS  := -pthread -lpci
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# The VMM proper (everything but main.c). One source per line, grouped by area.
# --- core: CLI, KVM VM and vCPUs, memory, boot ---
CORE_SRCS :=
CORE_SRCS += vmm/base/log.c
CORE_SRCS += vmm/base/err.c
CORE_SRCS += vmm/cmd/cli.c
CORE_SRCS += vmm/base/parse.c
CORE_SRCS += vmm/base/bdf.c
CORE_SRCS += vmm/base/input_file.c
CORE_SRCS += vmm/api/config.c
CORE_SRCS += vmm/api/vf_spec.c
CORE_SRCS += vmm/cmd/check_cmd.c
CORE_SRCS += vmm/core/mem.c
CORE_SRCS += vmm/arch/x86/bzimage.c
CORE_SRCS += vmm/arch/x86/vmlinux.c
CORE_SRCS += vmm/arch/x86/kernel_image.c
CORE_SRCS += vmm/arch/x86/boot.c
CORE_SRCS += vmm/arch/x86/cpu.c
CORE_SRCS += vmm/core/vm.c
CORE_SRCS += vmm/core/vcpu.c
CORE_SRCS += vmm/core/bus.c
CORE_SRCS += vmm/arch/x86/pio.c
CORE_SRCS += vmm/core/console.c
CORE_SRCS += vmm/core/events.c
CORE_SRCS += vmm/base/json.c
CORE_SRCS += vmm/base/json_write.c
CORE_SRCS += vmm/cmd/config_file.c
CORE_SRCS += vmm/host/pci_sysfs.c
CORE_SRCS += vmm/pci/vfio.c
CORE_SRCS += vmm/host/vf_record.c
CORE_SRCS += vmm/host/vf_manage.c
CORE_SRCS += vmm/host/vf_list.c
CORE_SRCS += vmm/cmd/vf_cmd.c
CORE_SRCS += vmm/host/preflight.c
CORE_SRCS += vmm/pci/vfio_ops.c
CORE_SRCS += vmm/pci/pci_platform.c
CORE_SRCS += vmm/pci/passthrough.c
CORE_SRCS += vmm/host/rtnl.c
CORE_SRCS += vmm/host/rtnl_sock.c
CORE_SRCS += vmm/api/api_proto.c
CORE_SRCS += vmm/api/api_server.c
CORE_SRCS += vmm/api/api_vm.c
CORE_SRCS += vmm/cmd/ctl.c
CORE_SRCS += vmm/api/library.c
CORE_SRCS += vmm/api/library_run.c

# --- devices ---
DEV_SRCS :=
DEV_SRCS += devices/serial.c
DEV_SRCS += devices/power.c
DEV_SRCS += devices/x86/i8042.c
DEV_SRCS += devices/x86/cmos.c
DEV_SRCS += devices/pci_host.c
DEV_SRCS += devices/vfio_pci.c
DEV_SRCS += devices/vfio_pci_cfg.c
DEV_SRCS += devices/vfio_pci_bar.c
DEV_SRCS += devices/vfio_pci_msix.c
DEV_SRCS += devices/vfio_pci_irq.c

# --- firmware: tables the guest reads ---
FW_SRCS :=
FW_SRCS += firmware/x86/aml.c
FW_SRCS += firmware/x86/acpi.c
FW_SRCS += firmware/x86/bootparams.c

VMM_SRCS := $(CORE_SRCS) $(DEV_SRCS) $(FW_SRCS)

MAIN_SRC := vmm/cmd/main.c

# Unit tests: tests/test_<name>.c links only the sources in test_<name>_SRCS.
TESTS :=
# --- core tests ---
TESTS += parse
test_parse_SRCS := vmm/base/parse.c
TESTS += bdf
test_bdf_SRCS := vmm/base/bdf.c
TESTS += input_file
test_input_file_SRCS := vmm/base/input_file.c vmm/base/err.c vmm/base/log.c
TESTS += bzimage
test_bzimage_SRCS := vmm/arch/x86/bzimage.c
TESTS += vmlinux
test_vmlinux_SRCS := vmm/arch/x86/vmlinux.c vmm/arch/x86/kernel_image.c vmm/arch/x86/bzimage.c
TESTS += mem
test_mem_SRCS := vmm/core/mem.c vmm/base/log.c vmm/base/err.c
TESTS += cli
test_cli_SRCS := vmm/cmd/cli.c vmm/cmd/config_file.c vmm/base/json.c vmm/base/parse.c vmm/base/log.c \
	vmm/base/err.c vmm/api/vf_spec.c vmm/api/config.c vmm/base/bdf.c vmm/host/rtnl.c
TESTS += vfio
test_vfio_SRCS := vmm/pci/vfio.c vmm/host/pci_sysfs.c vmm/pci/vfio_ops.c vmm/base/log.c vmm/base/err.c vmm/base/bdf.c
TESTS += pci_sysfs
test_pci_sysfs_SRCS := vmm/host/pci_sysfs.c tests/fake_sysfs.c
TESTS += vf_record
test_vf_record_SRCS := vmm/host/vf_record.c vmm/host/rtnl.c vmm/pci/vfio.c vmm/host/pci_sysfs.c vmm/pci/vfio_ops.c vmm/base/log.c vmm/base/err.c vmm/base/bdf.c
TESTS += vf_list
test_vf_list_SRCS := vmm/host/vf_list.c vmm/host/pci_sysfs.c vmm/host/rtnl.c vmm/host/rtnl_sock.c vmm/base/json_write.c vmm/base/json.c \
	vmm/base/log.c vmm/base/err.c tests/fake_sysfs.c
TESTS += preflight
test_preflight_SRCS := vmm/host/preflight.c vmm/host/pci_sysfs.c vmm/base/bdf.c vmm/base/log.c vmm/base/err.c tests/fake_sysfs.c
TESTS += vf_manage
test_vf_manage_SRCS := vmm/host/vf_manage.c vmm/host/vf_record.c vmm/host/pci_sysfs.c vmm/pci/vfio.c vmm/pci/vfio_ops.c vmm/host/rtnl.c \
	vmm/host/rtnl_sock.c vmm/base/log.c vmm/base/err.c tests/fake_sysfs.c vmm/base/bdf.c
TESTS += pci_platform
test_pci_platform_SRCS := vmm/pci/pci_platform.c vmm/core/bus.c vmm/base/log.c vmm/base/err.c
TESTS += boot
test_boot_SRCS := vmm/arch/x86/boot.c vmm/arch/x86/kernel_image.c vmm/arch/x86/vmlinux.c vmm/arch/x86/bzimage.c vmm/core/mem.c vmm/base/log.c vmm/base/err.c firmware/x86/acpi.c firmware/x86/aml.c firmware/x86/bootparams.c vmm/base/input_file.c
TESTS += cpu
test_cpu_SRCS := vmm/arch/x86/cpu.c
TESTS += kvm
test_kvm_SRCS := vmm/core/vm.c vmm/core/vcpu.c vmm/arch/x86/cpu.c vmm/arch/x86/boot.c vmm/arch/x86/kernel_image.c vmm/arch/x86/vmlinux.c vmm/arch/x86/bzimage.c vmm/core/mem.c vmm/core/bus.c \
	vmm/arch/x86/pio.c vmm/core/console.c vmm/core/events.c vmm/base/json_write.c vmm/base/log.c vmm/base/err.c devices/serial.c devices/power.c devices/x86/i8042.c \
	devices/x86/cmos.c \
	firmware/x86/acpi.c firmware/x86/aml.c firmware/x86/bootparams.c vmm/base/input_file.c
TESTS += pio
test_pio_SRCS := vmm/arch/x86/pio.c vmm/core/bus.c vmm/base/log.c vmm/base/err.c devices/pci_host.c
TESTS += events
test_events_SRCS := vmm/core/events.c vmm/base/json_write.c vmm/base/log.c vmm/base/err.c
TESTS += rtnl
test_rtnl_SRCS := vmm/host/rtnl.c
TESTS += rtnl_msg
test_rtnl_msg_SRCS := vmm/host/rtnl.c
TESTS += rtnl_sock
test_rtnl_sock_SRCS := vmm/host/rtnl.c vmm/host/rtnl_sock.c vmm/base/log.c vmm/base/err.c
TESTS += json
test_json_SRCS := vmm/base/json.c
TESTS += json_write
test_json_write_SRCS := vmm/base/json_write.c vmm/base/json.c
TESTS += json_escape
# json_escape() of json_write.c, read back by json.c
test_json_escape_SRCS := vmm/base/json_write.c vmm/base/json.c
TESTS += config_file
test_config_file_SRCS := vmm/cmd/config_file.c vmm/base/json.c vmm/base/log.c vmm/base/err.c
TESTS += jsonl_check
# runs the built tool (order-only prerequisite, not linked)
test_jsonl_check_SRCS := | $(BUILD)/tools/jsonl-check
TESTS += api
test_api_SRCS := vmm/api/api_server.c vmm/api/api_proto.c vmm/base/json.c vmm/base/json_write.c vmm/base/log.c vmm/base/err.c
TESTS += tinyvmm
# test_tinyvmm runs the real binary: an order-only prerequisite, so it is built first but not linked
test_tinyvmm_SRCS := | $(BUILD)/tinyvmm
TESTS += library
# the library end to end (include/tinyvmm.h): all of it
test_library_SRCS := $(VMM_SRCS)

# --- device tests ---
TESTS += bus
test_bus_SRCS := vmm/core/bus.c vmm/base/log.c vmm/base/err.c
TESTS += serial
test_serial_SRCS := devices/serial.c vmm/base/log.c vmm/base/err.c
TESTS += cmos
test_cmos_SRCS := devices/x86/cmos.c
TESTS += power
test_power_SRCS := devices/power.c devices/x86/i8042.c vmm/base/log.c vmm/base/err.c
TESTS += console
test_console_SRCS := vmm/core/console.c devices/serial.c vmm/base/log.c vmm/base/err.c
TESTS += pci_host
test_pci_host_SRCS := devices/pci_host.c vmm/base/log.c vmm/base/err.c
TESTS += pci_slots
test_pci_slots_SRCS := devices/pci_host.c vmm/base/log.c vmm/base/err.c
VFIO_PCI_SRCS := devices/vfio_pci.c devices/vfio_pci_cfg.c devices/vfio_pci_bar.c \
	devices/vfio_pci_msix.c devices/vfio_pci_irq.c tests/fake_vfio.c tests/fake_plat.c vmm/base/log.c vmm/base/err.c
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
test_aml_SRCS := firmware/x86/aml.c
TESTS += acpi
test_acpi_SRCS := firmware/x86/acpi.c firmware/x86/aml.c vmm/base/log.c vmm/base/err.c
TESTS += bootparams
test_bootparams_SRCS := firmware/x86/bootparams.c vmm/base/log.c vmm/base/err.c

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

$(BUILD)/tools/jsonl-check: tools/jsonl-check.c vmm/base/json.c vmm/base/json.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(filter %.c,$^)

# One relocatable object whose only global symbols are those listed in
# vmm/api/libtinyvmm.syms: the public API (include/tinyvmm.h) and the few entries
# the command's main.o uses. Every other name (vm_create, bus_register, ...)
# is local, so it cannot clash with a name in the embedding program.
LD      ?= ld
OBJCOPY ?= objcopy
$(LIB): $(VMM_OBJS) vmm/api/libtinyvmm.syms
	@rm -f $@
	$(LD) -r -o $(BUILD)/libtinyvmm.o $(VMM_OBJS)
	$(OBJCOPY) --keep-global-symbols=vmm/api/libtinyvmm.syms $(BUILD)/libtinyvmm.o
	@nm -g --defined-only $(BUILD)/libtinyvmm.o | awk '{ print $$3 }' | sort >$(BUILD)/libtinyvmm.got
	@sort vmm/api/libtinyvmm.syms | diff -u - $(BUILD)/libtinyvmm.got || \
		{ echo "libtinyvmm: exported symbols differ from vmm/api/libtinyvmm.syms"; exit 1; }
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
