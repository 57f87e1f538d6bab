# tinyvmm - one Makefile. Sources are listed one per line, by folder.
#
#   make            build/tinyvmm, build/libtinyvmm.a (include/tinyvmm.h), build/examples/
#   make check      cmocka unit tests, rebuilt with ASan/UBSan, and the format check
#   make format     reformat the tree with clang-format (.clang-format)
#   make format-check  list the files clang-format would change; fail if there is one
#   make images     guest image and lab host image (build/images/), with build/asan/tinyvmm
#   make lab-test   every scenario in tests/lab/scenarios/, in the lab
#   make soak       the soak scenario alone, SOAK_CYCLES start/stop cycles (default 200)
#   make test       setup + check + lab-test: what .ci/run runs
#   make demo       setup + boot a guest with a VF in the lab
#   make ARCH=arm64 the same for arm64 (Debian's cross compiler) into build/arm64/:
#                   tinyvmm, libtinyvmm.a, examples, tools; scripts/setup makes the
#                   arm64 sysroot (libfdt, libpci) in build/arm64/sysroot
#   WERROR=0        do not turn warnings into errors
#   EXTRA_CFLAGS=   added to every compile; a change of flags rebuilds everything

# The first rule below is not the goal: make alone builds what "all" names.
.DEFAULT_GOAL := all

ARCH    ?= x86
WERROR  ?= 1
ifeq ($(ARCH),x86)
CC      ?= gcc
BUILD   := build
else ifeq ($(ARCH),arm64)
CROSS   := aarch64-linux-gnu-
CC      := $(CROSS)gcc
LD      := $(CROSS)ld
AR      := $(CROSS)ar
OBJCOPY := $(CROSS)objcopy
NM      := $(CROSS)nm
BUILD   := build/arm64
SYSROOT := build/arm64/sysroot
ARCH_CPPFLAGS := -isystem $(SYSROOT)/usr/include
ARCH_LDFLAGS  := -L$(SYSROOT)/usr/lib/aarch64-linux-gnu
# libfdt goes into the library's one object, so an embedder links no -lfdt
LIB_ARCHIVES  := $(SYSROOT)/usr/lib/aarch64-linux-gnu/libfdt.a \
		 $(SYSROOT)/usr/lib/aarch64-linux-gnu/libseccomp.a
else
$(error ARCH=$(ARCH): tinyvmm builds for ARCH=x86 (the default) or ARCH=arm64)
endif
LD      ?= ld
OBJCOPY ?= objcopy
# libseccomp goes into the library's one object too (x86: the host's archive)
LIB_ARCHIVES ?= $(shell $(CC) -print-file-name=libseccomp.a)
NM      ?= nm
ASAN    := $(BUILD)/asan

# -Wconversion also turns on -Wsign-conversion in C.
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	   -Wmissing-declarations -Wredundant-decls -Wold-style-definition -Wnested-externs \
	   -Wconversion -Wformat=2 -Wundef -Wwrite-strings -Wpointer-arith
ifeq ($(WERROR),1)
WARN    += -Werror
endif
CFLAGS  := -std=gnu11 -O2 -g $(WARN) -fstack-protector-strong -D_GNU_SOURCE \
	   -pthread -MMD -MP $(EXTRA_CFLAGS)
# Root-relative includes ("vmm/core/vm.h"); arch/layout.h is the architecture's
# (ARCH_INC is set per target for the arm64 unit tests of an x86 build).
ARCH_INC = -Ivmm/arch/$(ARCH)/include
CPPFLAGS = -I. $(ARCH_INC) $(ARCH_CPPFLAGS)
LDLIBS  := $(ARCH_LDFLAGS) -pthread
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# ---- the library (build/libtinyvmm.a): everything below but vmm/cmd ----

# vmm/base: small utilities, pure; also linked into the command
BASE_SRCS :=
BASE_SRCS += vmm/base/log.c
BASE_SRCS += vmm/base/err.c
BASE_SRCS += vmm/base/parse.c
BASE_SRCS += vmm/base/bdf.c
BASE_SRCS += vmm/base/utf8.c
BASE_SRCS += vmm/base/json.c
BASE_SRCS += vmm/base/json_get.c
BASE_SRCS += vmm/base/json_write.c
BASE_SRCS += vmm/base/input_file.c
BASE_SRCS += vmm/base/regex_bound.c
BASE_SRCS += vmm/base/host_open.c

# vmm/core: the KVM machine
CORE_SRCS :=
CORE_SRCS += vmm/core/vm.c
CORE_SRCS += vmm/core/vcpu.c
CORE_SRCS += vmm/core/mem.c
CORE_SRCS += vmm/core/bus.c
CORE_SRCS += vmm/core/console.c
CORE_SRCS += vmm/core/events.c

# vmm/arch/$(ARCH): what the architecture owns, behind vmm/arch/arch.h
# (x86: the boot protocol and zero page, CPU state, IRQ chip, port I/O, PCI config ports;
# arm64: the Image and its device tree, vCPU init and PSCI, GICv3 and ITS, PCIe ECAM)
ARCH_SRCS :=
ifeq ($(ARCH),x86)
ARCH_SRCS += vmm/arch/x86/arch_vm.c
ARCH_SRCS += vmm/arch/x86/arch_info.c
ARCH_SRCS += vmm/arch/x86/arch_vcpu.c
ARCH_SRCS += vmm/arch/x86/arch_mem.c
ARCH_SRCS += vmm/arch/x86/arch_boot.c
ARCH_SRCS += vmm/arch/x86/arch_pci.c
ARCH_SRCS += vmm/arch/x86/bzimage.c
ARCH_SRCS += vmm/arch/x86/vmlinux.c
ARCH_SRCS += vmm/arch/x86/kernel_image.c
ARCH_SRCS += vmm/arch/x86/boot.c
ARCH_SRCS += vmm/arch/x86/cpu.c
ARCH_SRCS += vmm/arch/x86/pio.c
else
ARCH_SRCS += vmm/arch/arm64/arch_vm.c
ARCH_SRCS += vmm/arch/arm64/arch_info.c
ARCH_SRCS += vmm/arch/arm64/arch_vcpu.c
ARCH_SRCS += vmm/arch/arm64/arch_mem.c
ARCH_SRCS += vmm/arch/arm64/arch_boot.c
ARCH_SRCS += vmm/arch/arm64/arch_pci.c
ARCH_SRCS += vmm/arch/arm64/image.c
endif

# vmm/pci: the PCI host side and VFIO
PCI_SRCS :=
PCI_SRCS += vmm/pci/vfio.c
PCI_SRCS += vmm/pci/vfio_ops.c
PCI_SRCS += vmm/pci/pci_platform.c
PCI_SRCS += vmm/pci/passthrough.c
PCI_SRCS += vmm/pci/hotplug.c

# vmm/host: the host-side VF tooling
HOST_SRCS :=
HOST_SRCS += vmm/host/pci_sysfs.c
HOST_SRCS += vmm/host/iommu_resv.c
HOST_SRCS += vmm/host/smaps.c
HOST_SRCS += vmm/host/rtnl.c
HOST_SRCS += vmm/host/rtnl_sock.c
HOST_SRCS += vmm/host/run_dir.c
HOST_SRCS += vmm/host/vf_record.c
HOST_SRCS += vmm/host/vf_lock.c
HOST_SRCS += vmm/host/vf_manage.c
HOST_SRCS += vmm/host/vf_list.c
HOST_SRCS += vmm/host/vf_count.c
HOST_SRCS += vmm/host/preflight.c

# vmm/api: the library's public functions and the control API
API_SRCS :=
API_SRCS += vmm/api/config.c
API_SRCS += vmm/api/vf_spec.c
API_SRCS += vmm/api/library.c
API_SRCS += vmm/api/library_run.c
API_SRCS += vmm/api/split_events.c
API_SRCS += vmm/api/host_api.c
API_SRCS += vmm/api/api_proto.c
API_SRCS += vmm/api/api_server.c
API_SRCS += vmm/api/api_vm.c

# vmm/sandbox: confining tinyvmm's own threads (libseccomp, linked into the library)
# (with the architecture's part: its vCPU ioctls, a trapped call's arguments)
SECCOMP_SRCS := vmm/sandbox/seccomp.c vmm/arch/$(ARCH)/arch_seccomp.c
SANDBOX_SRCS :=
SANDBOX_SRCS += $(SECCOMP_SRCS)

# devices: guest-visible device models
DEV_SRCS :=
DEV_SRCS += devices/serial.c
DEV_SRCS += devices/power.c
ifeq ($(ARCH),x86)
DEV_SRCS += devices/x86/acpi_pm.c
DEV_SRCS += devices/x86/i8042.c
DEV_SRCS += devices/x86/cmos.c
DEV_SRCS += devices/x86/pci_cf8.c
endif
DEV_SRCS += devices/pci_host.c
DEV_SRCS += devices/pci_ecam.c
DEV_SRCS += devices/pci_hotplug.c
DEV_SRCS += devices/vfio_pci.c
DEV_SRCS += devices/vfio_pci_cfg.c
DEV_SRCS += devices/vfio_pci_bar.c
DEV_SRCS += devices/vfio_pci_msix.c
DEV_SRCS += devices/vfio_pci_irq.c

# firmware: tables the guest reads
FW_SRCS :=
ifeq ($(ARCH),x86)
FW_SRCS += firmware/x86/aml.c
FW_SRCS += firmware/x86/acpi.c
FW_SRCS += firmware/x86/bootparams.c
else
FW_SRCS += firmware/arm64/dtb.c
endif

LIB_SRCS := $(BASE_SRCS) $(CORE_SRCS) $(ARCH_SRCS) $(PCI_SRCS) $(HOST_SRCS) $(API_SRCS) \
	    $(SANDBOX_SRCS) $(DEV_SRCS) $(FW_SRCS)

# ---- the command (build/tinyvmm): a client of the library ----

CMD_SRCS :=
CMD_SRCS += vmm/cmd/main.c
CMD_SRCS += vmm/cmd/cli.c
CMD_SRCS += vmm/cmd/config_file.c
CMD_SRCS += vmm/cmd/check_cmd.c
CMD_SRCS += vmm/cmd/vf_cmd.c
CMD_SRCS += vmm/cmd/vf_print.c
CMD_SRCS += vmm/cmd/pci_names.c
CMD_SRCS += vmm/cmd/ctl.c
CMD_SRCS += vmm/cmd/jail.c
CMD_SRCS += vmm/cmd/jail_root.c
# the base utilities the command uses itself (the library's copies are private to it)
CMD_SRCS += vmm/base/log.c
CMD_SRCS += vmm/base/err.c
CMD_SRCS += vmm/base/parse.c
CMD_SRCS += vmm/base/utf8.c
CMD_SRCS += vmm/base/json.c
CMD_SRCS += vmm/base/json_get.c
CMD_SRCS += vmm/base/json_write.c
# libpci: pci.ids names for tinyvmm vf list (the command's only)
CMD_LDLIBS := -lpci

# ---- unit tests: tests/test_<name>.c links only the sources in test_<name>_SRCS ----
TESTS :=

# vmm/base
TESTS += parse
test_parse_SRCS := vmm/base/parse.c
TESTS += log
test_log_SRCS := vmm/base/log.c vmm/base/err.c
TESTS += bdf
test_bdf_SRCS := vmm/base/bdf.c
TESTS += regex_bound
test_regex_bound_SRCS := vmm/base/regex_bound.c
TESTS += input_file
test_input_file_SRCS := vmm/base/input_file.c vmm/base/err.c vmm/base/log.c
TESTS += json
# json.c escapes keys in its messages with json_write.c's json_escape()
test_json_SRCS := vmm/base/json.c vmm/base/json_get.c vmm/base/json_write.c vmm/base/utf8.c
TESTS += json_write
test_json_write_SRCS := vmm/base/json_write.c vmm/base/utf8.c vmm/base/json.c \
	vmm/base/json_get.c
TESTS += json_escape
# json_escape() of json_write.c, read back by json.c
test_json_escape_SRCS := vmm/base/json_write.c vmm/base/utf8.c vmm/base/json.c \
	vmm/base/json_get.c

# vmm/core
TESTS += mem
test_mem_SRCS := vmm/core/mem.c vmm/arch/x86/arch_mem.c vmm/base/log.c vmm/base/err.c
TESTS += bus
test_bus_SRCS := vmm/core/bus.c vmm/base/log.c vmm/base/err.c
TESTS += console
test_console_LIBS += -lseccomp
test_console_SRCS := vmm/core/console.c devices/serial.c vmm/base/log.c vmm/base/err.c \
	$(SECCOMP_SRCS) vmm/base/host_open.c
TESTS += events
test_events_SRCS := vmm/core/events.c vmm/base/json_write.c vmm/base/utf8.c vmm/base/log.c \
	vmm/base/err.c vmm/base/parse.c
TESTS += kvm
test_kvm_LIBS += -lseccomp -Wl,--wrap=pthread_create
test_kvm_SRCS := vmm/base/host_open.c vmm/core/vm.c vmm/core/vcpu.c vmm/core/mem.c vmm/core/bus.c vmm/core/console.c \
	vmm/core/events.c vmm/base/parse.c $(ARCH_SRCS) vmm/base/json_write.c vmm/base/utf8.c vmm/base/log.c \
	vmm/base/err.c vmm/base/input_file.c devices/serial.c devices/power.c devices/x86/acpi_pm.c \
	devices/x86/i8042.c devices/x86/cmos.c devices/pci_host.c devices/x86/pci_cf8.c vmm/pci/pci_platform.c $(FW_SRCS) $(SECCOMP_SRCS)

# vmm/arch/x86
TESTS += bzimage
test_bzimage_SRCS := vmm/arch/x86/bzimage.c
TESTS += vmlinux
test_vmlinux_SRCS := vmm/arch/x86/vmlinux.c vmm/arch/x86/kernel_image.c vmm/arch/x86/bzimage.c
TESTS += boot
test_boot_SRCS := vmm/arch/x86/boot.c vmm/arch/x86/kernel_image.c vmm/arch/x86/vmlinux.c \
	vmm/arch/x86/bzimage.c vmm/core/mem.c vmm/arch/x86/arch_mem.c vmm/base/input_file.c \
	vmm/base/log.c vmm/base/err.c $(FW_SRCS)
TESTS += cpu
test_cpu_SRCS := vmm/arch/x86/cpu.c
TESTS += pio
test_pio_SRCS := vmm/arch/x86/pio.c vmm/core/bus.c vmm/base/log.c vmm/base/err.c \
	devices/pci_host.c devices/x86/pci_cf8.c

# vmm/arch/arm64 and firmware/arm64, natively (pure code)
TESTS += image
test_image_SRCS := vmm/arch/arm64/image.c
TESTS += dtb
test_dtb_SRCS := firmware/arm64/dtb.c
test_dtb_LIBS := -lfdt

# vmm/pci
TESTS += vfio
test_vfio_SRCS := vmm/base/host_open.c vmm/pci/vfio.c vmm/pci/vfio_ops.c vmm/host/pci_sysfs.c vmm/base/bdf.c \
	vmm/base/log.c vmm/base/err.c
# the container's DMA map and unmap requests go to a fake (test_container_dma_chunks)
test_vfio_LIBS := -Wl,--wrap=ioctl
TESTS += pci_platform
test_pci_platform_SRCS := vmm/pci/pci_platform.c vmm/arch/x86/arch_pci.c vmm/core/bus.c \
	devices/pci_host.c devices/x86/pci_cf8.c vmm/base/log.c vmm/base/err.c

# vmm/host
TESTS += pci_sysfs
test_pci_sysfs_SRCS := vmm/host/pci_sysfs.c tests/fake_sysfs.c
TESTS += iommu_resv
test_iommu_resv_SRCS := vmm/host/iommu_resv.c vmm/host/pci_sysfs.c tests/fake_sysfs.c \
	vmm/base/log.c vmm/base/err.c
TESTS += smaps
test_smaps_SRCS := vmm/host/smaps.c
TESTS += run_dir
test_run_dir_SRCS := vmm/host/run_dir.c
TESTS += rtnl
test_rtnl_SRCS := vmm/host/rtnl.c
TESTS += rtnl_msg
test_rtnl_msg_SRCS := vmm/host/rtnl.c
TESTS += rtnl_sock
test_rtnl_sock_SRCS := vmm/host/rtnl.c vmm/host/rtnl_sock.c vmm/base/log.c vmm/base/err.c
TESTS += vf_record
test_vf_record_SRCS := vmm/host/vf_record.c vmm/host/rtnl.c vmm/base/bdf.c vmm/base/log.c \
	vmm/base/err.c
TESTS += vf_manage
test_vf_manage_SRCS := vmm/host/vf_manage.c vmm/host/vf_lock.c vmm/host/run_dir.c \
	vmm/host/vf_record.c vmm/host/pci_sysfs.c vmm/host/rtnl.c vmm/host/rtnl_sock.c \
	vmm/base/bdf.c vmm/base/log.c vmm/base/err.c tests/fake_sysfs.c
TESTS += vf_list
test_vf_list_SRCS := vmm/host/vf_list.c vmm/host/pci_sysfs.c vmm/host/rtnl.c \
	vmm/host/rtnl_sock.c vmm/base/bdf.c vmm/base/log.c vmm/base/err.c tests/fake_sysfs.c
TESTS += vf_count
test_vf_count_SRCS := vmm/host/vf_count.c vmm/host/vf_manage.c vmm/host/vf_lock.c \
	vmm/host/run_dir.c vmm/host/vf_record.c vmm/host/pci_sysfs.c vmm/host/rtnl.c \
	vmm/host/rtnl_sock.c vmm/base/bdf.c vmm/base/log.c vmm/base/err.c tests/fake_sysfs.c
TESTS += preflight
test_preflight_SRCS := vmm/host/preflight.c vmm/host/pci_sysfs.c vmm/base/bdf.c vmm/base/log.c \
	vmm/base/err.c tests/fake_sysfs.c

# vmm/api
TESTS += api
test_api_LIBS += -lseccomp
test_api_SRCS := vmm/api/api_server.c vmm/api/api_proto.c vmm/base/json.c vmm/base/json_get.c \
	vmm/base/utf8.c vmm/base/json_write.c vmm/base/log.c vmm/base/err.c $(SECCOMP_SRCS)
TESTS += library
# the library end to end (include/tinyvmm.h): all of it
test_library_LIBS += -lseccomp
test_library_SRCS := $(LIB_SRCS)

# vmm/cmd
TESTS += cli
test_cli_SRCS := vmm/cmd/cli.c vmm/cmd/config_file.c vmm/api/config.c vmm/core/events.c vmm/api/vf_spec.c \
	vmm/host/rtnl.c vmm/base/parse.c vmm/base/bdf.c vmm/base/json.c vmm/base/json_get.c \
	vmm/base/json_write.c \
	vmm/base/utf8.c vmm/base/log.c vmm/base/err.c vmm/arch/$(ARCH)/arch_info.c
TESTS += config_file
test_config_file_SRCS := vmm/cmd/config_file.c vmm/base/json.c vmm/base/json_get.c \
	vmm/base/json_write.c vmm/base/utf8.c vmm/base/log.c vmm/base/err.c
TESTS += vf_print
test_vf_print_SRCS := vmm/cmd/vf_print.c vmm/cmd/pci_names.c vmm/base/json_write.c \
	vmm/base/utf8.c vmm/base/json.c vmm/base/json_get.c vmm/base/log.c
test_vf_print_LIBS := -lpci
TESTS += tinyvmm
# the built command end to end: an order-only prerequisite, so it is built first but not linked
test_tinyvmm_SRCS := | $(BUILD)/tinyvmm
TESTS += jsonl_check
# runs the built tool (order-only prerequisite, not linked)
test_jsonl_check_SRCS := | $(BUILD)/tools/jsonl-check

# vmm/cmd: the sandbox's empty root (forks; root only, else skipped)
TESTS += jail_root
test_jail_root_SRCS := vmm/cmd/jail_root.c vmm/base/log.c vmm/base/err.c

# vmm/sandbox
TESTS += seccomp
test_seccomp_SRCS := $(SECCOMP_SRCS) vmm/base/log.c vmm/base/err.c
test_seccomp_LIBS := -lseccomp
# glibc's own malloc under the filters: built without the sanitizers, which
# replace it (so from $(BUILD), not $(ASAN)).
PLAIN_TESTS := $(BUILD)/tests/test_seccomp_malloc
$(BUILD)/tests/test_seccomp_malloc: $(BUILD)/tests/test_seccomp_malloc.o \
		$(patsubst %.c,$(BUILD)/%.o,$(test_seccomp_SRCS))
	$(CC) $(CFLAGS) -o $@ $(filter %.o,$^) -lcmocka $(LDLIBS) -lseccomp
# test_seccomp checks the run's ioctl list against every request the sources make.
IOCTL_USES := $(ASAN)/tests/ioctl_uses.h
# Scanned on every make (0.15 s with a core to itself, 0.3-0.4 s on a busy
# machine): a source removed or renamed counts too; rewritten only when it
# changed, so test_seccomp is rebuilt only then.
$(IOCTL_USES): FORCE
	@mkdir -p $(dir $@)
	@tests/gen-ioctl-uses $(CC) $(ARCH_CPPFLAGS) -- $(ARCH) >$@.tmp
	@cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@
$(ASAN)/tests/test_seccomp.o: $(IOCTL_USES)
$(ASAN)/tests/test_seccomp.o: CPPFLAGS += -I$(ASAN)/tests -DSRC_ROOT='"$(CURDIR)"'

# devices
TESTS += serial
test_serial_SRCS := devices/serial.c vmm/base/log.c vmm/base/err.c
TESTS += cmos
test_cmos_SRCS := devices/x86/cmos.c
TESTS += power
test_power_SRCS := devices/power.c devices/x86/acpi_pm.c devices/x86/i8042.c vmm/base/log.c \
	vmm/base/err.c
TESTS += pci_host
test_pci_host_SRCS := devices/pci_host.c devices/x86/pci_cf8.c devices/pci_ecam.c vmm/base/log.c vmm/base/err.c
TESTS += pci_hotplug
test_pci_hotplug_SRCS := devices/pci_hotplug.c
# the x86 platform devices make the hotplug controller (test_kvm links them)
test_kvm_SRCS += devices/pci_hotplug.c
TESTS += pci_slots
test_pci_slots_SRCS := devices/pci_host.c devices/x86/pci_cf8.c vmm/base/log.c vmm/base/err.c
VFIO_PCI_SRCS := devices/vfio_pci.c devices/vfio_pci_cfg.c devices/vfio_pci_bar.c \
	devices/vfio_pci_msix.c devices/vfio_pci_irq.c tests/fake_vfio.c tests/fake_plat.c \
	vmm/base/log.c vmm/base/err.c
TESTS += vfio_pci
test_vfio_pci_SRCS := $(VFIO_PCI_SRCS)
TESTS += vfio_pci_bar
test_vfio_pci_bar_SRCS := $(VFIO_PCI_SRCS)
TESTS += vfio_pci_msix
test_vfio_pci_msix_SRCS := $(VFIO_PCI_SRCS)
TESTS += vfio_pci_irq
test_vfio_pci_irq_SRCS := $(VFIO_PCI_SRCS)

# firmware
TESTS += aml
test_aml_SRCS := firmware/x86/aml.c
TESTS += acpi
test_acpi_SRCS := firmware/x86/acpi.c firmware/x86/aml.c vmm/base/log.c vmm/base/err.c
TESTS += bootparams
test_bootparams_SRCS := firmware/x86/bootparams.c vmm/base/log.c vmm/base/err.c

# ---------------------------------------------------------------------------

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CMD_OBJS := $(CMD_SRCS:%.c=$(BUILD)/%.o)

# Helpers the lab benchmarks run inside the lab host.
BENCH_TOOLS := $(BUILD)/bench/markertime
# Checkers the lab scenarios run inside the lab host (libc only: no python or jq there).
TOOLS := $(BUILD)/tools/jsonl-check

# The embeddable library: one relocatable object, one public header.
LIB := $(BUILD)/libtinyvmm.a
# Programs built on the library alone (include/tinyvmm.h); also in the lab host image.
EXAMPLES := $(BUILD)/examples/boot_vf
# The public header compiles as strict C99 (and as C++ when there is a C++ compiler).
HEADER_CHECK := $(BUILD)/tests/tinyvmm_h.stamp
HEADER_FLAGS := -Wall -Wextra -pedantic -Werror -fsyntax-only

all: $(BUILD)/tinyvmm $(LIB) $(EXAMPLES) $(HEADER_CHECK) $(BENCH_TOOLS) $(TOOLS)

# Every object depends on the flags it was built with: a change of CC,
# WERROR or EXTRA_CFLAGS rebuilds what they affect (the stamp changes only
# when the flags do).
FLAGS_STAMP := $(BUILD)/flags.stamp
ASAN_FLAGS_STAMP := $(ASAN)/flags.stamp
$(FLAGS_STAMP): FORCE
	@mkdir -p $(dir $@)
	@echo '$(CC) $(CFLAGS) $(CPPFLAGS) $(LDLIBS)' | cmp -s - $@ || \
		echo '$(CC) $(CFLAGS) $(CPPFLAGS) $(LDLIBS)' >$@
$(ASAN_FLAGS_STAMP): FORCE
	@mkdir -p $(dir $@)
	@echo '$(CC) $(CFLAGS) $(CPPFLAGS) $(SANFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(CFLAGS) $(CPPFLAGS) $(SANFLAGS)' >$@

$(BUILD)/bench/%: $(BUILD)/bench/%.o
	$(CC) $(CFLAGS) -o $@ $(filter %.o,$^) $(LDLIBS)

$(BUILD)/tools/jsonl-check: $(BUILD)/tools/jsonl-check.o $(BUILD)/vmm/base/json.o \
		$(BUILD)/vmm/base/json_get.o $(BUILD)/vmm/base/json_write.o $(BUILD)/vmm/base/utf8.o
	$(CC) $(CFLAGS) -o $@ $(filter %.o,$^) $(LDLIBS)

# One relocatable object whose only global symbols are those listed in
# vmm/api/libtinyvmm.syms: the public API, include/tinyvmm.h, and nothing
# else. Every other name (vm_create, bus_register, ...) is local, so it
# cannot clash with a name in the embedding program. Checked here: the
# exported symbols are exactly the list, each is declared in the header, no
# command entry point or getopt reference is inside, and nothing beyond
# libc and libpthread is needed.
$(LIB): $(LIB_OBJS) $(LIB_ARCHIVES) vmm/api/libtinyvmm.syms
	@rm -f $@
	$(LD) -r -o $(BUILD)/libtinyvmm.o $(LIB_OBJS) $(LIB_ARCHIVES)
	$(OBJCOPY) --keep-global-symbols=vmm/api/libtinyvmm.syms $(BUILD)/libtinyvmm.o
	@$(NM) -g --defined-only $(BUILD)/libtinyvmm.o | awk '{ print $$3 }' | sort >$(BUILD)/libtinyvmm.got
	@sort vmm/api/libtinyvmm.syms | diff -u - $(BUILD)/libtinyvmm.got || \
		{ echo "libtinyvmm: exported symbols differ from vmm/api/libtinyvmm.syms"; exit 1; }
	@for s in $$(cat vmm/api/libtinyvmm.syms); do grep -q "\b$$s(" include/tinyvmm.h || \
		{ echo "libtinyvmm: $$s is exported but not declared in include/tinyvmm.h"; exit 1; }; done
	@! $(NM) $(BUILD)/libtinyvmm.o | grep -E ' (getopt|getopt_long|optarg|optind|opterr|optopt|[a-z_]*_main)$$' || \
		{ echo "libtinyvmm: the command's getopt or *_main is in the library"; exit 1; }
	@! $(NM) -u $(BUILD)/libtinyvmm.o | grep -E ' U pci_' || \
		{ echo "libtinyvmm: needs libpci"; exit 1; }
	$(AR) rcs $@ $(BUILD)/libtinyvmm.o

$(BUILD)/tinyvmm: $(CMD_OBJS) $(LIB)
	$(CC) $(CFLAGS) -o $@ $(filter %.o %.a,$^) $(LDLIBS) $(CMD_LDLIBS)

# The same command built with ASan and UBSan (build/asan/tinyvmm), from the
# unit tests' objects and through a library object made the same way (its
# private names stay private), for the lab's guest-abuse scenario: the lab
# host image carries it as tinyvmm-asan, with libasan and libubsan.
ASAN_TINYVMM := $(ASAN)/tinyvmm
$(ASAN)/libtinyvmm.o: $(LIB_SRCS:%.c=$(ASAN)/%.o) $(LIB_ARCHIVES) vmm/api/libtinyvmm.syms
	$(LD) -r -o $@ $(filter %.o %.a,$^)
	$(OBJCOPY) --keep-global-symbols=vmm/api/libtinyvmm.syms $@

$(ASAN_TINYVMM): $(CMD_SRCS:%.c=$(ASAN)/%.o) $(ASAN)/libtinyvmm.o
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $(filter %.o,$^) $(LDLIBS) $(CMD_LDLIBS)

# Examples are plain C99 programs that see only the public header, and link
# with the library and -pthread, nothing else.
$(BUILD)/examples/%: examples/%.c include/tinyvmm.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) -std=c99 -O2 -g $(WARN) -pedantic -Iinclude -o $@ $< $(LIB) $(ARCH_LDFLAGS) -pthread

$(HEADER_CHECK): include/tinyvmm.h
	@mkdir -p $(dir $@)
	$(CC) -std=c99 $(HEADER_FLAGS) -x c $<
	@if command -v $(CXX) >/dev/null; then \
		echo "$(CXX) -std=c++11 $(HEADER_FLAGS) -x c++ $<"; \
		$(CXX) -std=c++11 $(HEADER_FLAGS) -x c++ $<; fi
	@touch $@

$(BUILD)/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CPPFLAGS) -c -o $@ $<

$(ASAN)/%.o: %.c $(ASAN_FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CPPFLAGS) $(SANFLAGS) -c -o $@ $<

# The arm64 pure modules are unit-tested natively too, with the arm64 layout.
$(ASAN)/vmm/arch/arm64/%.o $(ASAN)/firmware/arm64/%.o: ARCH_INC = -Ivmm/arch/arm64/include
$(ASAN)/tests/test_image.o $(ASAN)/tests/test_dtb.o: ARCH_INC = -Ivmm/arch/arm64/include

define test_rule
$(ASAN)/tests/test_$(1): $(ASAN)/tests/test_$(1).o $$(sort $$(patsubst %.c,$(ASAN)/%.o,$$(test_$(1)_SRCS)))
	$$(CC) $$(CFLAGS) $$(SANFLAGS) -o $$@ $$(filter %.o,$$^) -lcmocka $$(LDLIBS) $$(test_$(1)_LIBS)
endef
$(foreach t,$(TESTS),$(eval $(call test_rule,$(t))))

TEST_BINS := $(TESTS:%=$(ASAN)/tests/test_%)

check: format-check $(TEST_BINS) $(PLAIN_TESTS) $(HEADER_CHECK)
	@tests/run-unit $(TEST_BINS) $(PLAIN_TESTS)

# ---- formatting: every C source and header through clang-format (.clang-format) ----

CLANG_FORMAT ?= clang-format
# The tracked files (a fresh clone has them all); outside a git checkout, the source folders.
FORMAT_SRCS := $(shell git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null)
ifeq ($(FORMAT_SRCS),)
FORMAT_SRCS := $(shell find vmm devices firmware include tests tools bench examples \
	-name '*.[ch]' -not -path 'tests/lab/*' -not -path 'bench/lab/*' 2>/dev/null | sort)
endif

format:
	$(CLANG_FORMAT) -i $(FORMAT_SRCS)

# One clang-format run over all of them; each file it would change is named.
format-check:
	@command -v $(CLANG_FORMAT) >/dev/null || \
		{ echo "format: $(CLANG_FORMAT) not found; install it: apt-get install clang-format"; exit 1; }
	@test -n "$(strip $(FORMAT_SRCS))" || { echo "format: no C sources found"; exit 1; }
	@out=$$($(CLANG_FORMAT) --dry-run --Werror $(FORMAT_SRCS) 2>&1) && \
		{ echo "format: $(words $(FORMAT_SRCS)) files clean"; exit 0; }; \
	bad=$$(printf '%s\n' "$$out" | \
		sed -n 's/^\(.*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/\1/p' | sort -u); \
	if [ -z "$$bad" ]; then printf '%s\n' "$$out"; echo "format: $(CLANG_FORMAT) failed"; exit 1; fi; \
	for f in $$bad; do echo "format: $$f differs from .clang-format"; done; \
	echo "format: $$(echo $$bad | wc -w) of $(words $(FORMAT_SRCS)) files differ; make format fixes them"; \
	exit 1

images: $(BUILD)/tinyvmm $(ASAN_TINYVMM) $(EXAMPLES) $(BENCH_TOOLS) $(TOOLS)
	guest-images/build-all

lab-test: images
	tests/lab/run --all

# The soak scenario alone, for longer: make soak [SOAK_CYCLES=200] (about 8 s a cycle).
SOAK_CYCLES ?= 200
soak: images
	SOAK_CYCLES=$(SOAK_CYCLES) tests/lab/run --timeout $$(($(SOAK_CYCLES) * 15 + 300)) \
		--budget $$(($(SOAK_CYCLES) * 15 + 900)) soak

# The arm64 lab: its images need nothing from the VMM build; the lab host
# takes build/arm64/tinyvmm (make ARCH=arm64) when it is there.
images-arm64:
	guest-images/build-all-arm64

lab-test-arm64: images-arm64
	tests/lab/run --arch arm64 --all

.PHONY: images-arm64 lab-test-arm64 soak

test:
	scripts/test

demo:
	scripts/setup
	$(MAKE) images
	tests/lab/run --show tests/lab/demo

clean:
	rm -rf $(BUILD)/*.o $(BUILD)/*.stamp $(BUILD)/vmm $(BUILD)/devices $(BUILD)/firmware \
	       $(BUILD)/tests $(BUILD)/tools $(BUILD)/bench $(ASAN) $(BUILD)/tinyvmm $(LIB) \
	       $(BUILD)/examples

distclean:
	rm -rf $(BUILD)

FORCE:

.PHONY: all check format format-check images lab-test test demo clean distclean FORCE

include tests/fuzz/fuzz.mk

-include $(shell find $(BUILD)/asan $(BUILD)/vmm $(BUILD)/devices $(BUILD)/firmware $(BUILD)/tests $(BUILD)/tools $(BUILD)/bench $(BUILD)/examples -name '*.d' -print 2>/dev/null)
