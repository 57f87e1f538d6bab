# tests/fuzz/fuzz.mk - libFuzzer targets, included by the Makefile (see README, "Fuzzing").
#
#   make fuzz           every target for FUZZ_SECONDS (default 60) each, from a fresh copy
#                       of its seeds and found inputs in build/fuzz/work/<name>; one line per target
#                       (executions, coverage, crashes); crash inputs go to
#                       build/fuzz/crashes/<name>/; fails if a target crashed
#   make fuzz-replay    every seed through every target and each target's found inputs
#                       through it (-runs=0), then each target for FUZZ_REPLAY_SECONDS
#                       (default 3; 0: the replay only); what make test runs;
#                       ends with "fuzz: N passed, M failed"
#   make fuzz-keep      merge what the last make fuzz found (build/fuzz/work/<name>) into the
#                       committed tests/fuzz/found/<name>/: the inputs that add coverage to
#                       what the seeds reach
#   make fuzz-build     just build them: build/fuzz/fuzz_<name>
#   make fuzz-seeds     rewrite the generated seeds in tests/fuzz/corpus/ (gen_seeds.c)
#   FUZZ_TARGETS="serial cli"   only these targets
#
# Each target tests/fuzz/fuzz_<name>.c links only the sources in fuzz_<name>_SRCS, like the
# unit tests, built with clang's libFuzzer, ASan and UBSan into build/fuzz/obj/<arch>/.

FUZZ_CC		    ?= clang
FUZZ_SECONDS	    ?= 60
FUZZ_REPLAY_SECONDS ?= 3
FUZZ_BUILD	    := build/fuzz
FUZZ_SAN	    := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS	    := -std=gnu11 -O1 -g $(WARN) -D_GNU_SOURCE -pthread -MMD -MP $(FUZZ_SAN)

FUZZ_ALL :=

# vmm/arch: the kernel loaders
FUZZ_ALL += bzimage
fuzz_bzimage_SRCS := vmm/arch/x86/bzimage.c
FUZZ_ALL += vmlinux
fuzz_vmlinux_SRCS := vmm/arch/x86/vmlinux.c vmm/arch/x86/kernel_image.c vmm/arch/x86/bzimage.c
FUZZ_ALL += arm64_image
fuzz_arm64_image_SRCS := vmm/arch/arm64/image.c
fuzz_arm64_image_ARCH := arm64

# vmm/cmd, vmm/base, vmm/api: the command line, --config, JSON, the control API
FUZZ_ALL += cli
fuzz_cli_SRCS := vmm/cmd/cli.c vmm/cmd/config_file.c vmm/api/config.c vmm/core/events.c vmm/api/vf_spec.c \
	vmm/host/rtnl.c vmm/base/parse.c vmm/base/bdf.c vmm/base/json.c vmm/base/json_get.c \
	vmm/base/json_write.c vmm/base/utf8.c vmm/base/log.c vmm/base/err.c vmm/arch/x86/arch_info.c
# --config FILE reads the input's text, never a file
fuzz_cli_LDFLAGS := -Wl,--wrap=config_file_load
FUZZ_ALL += config
fuzz_config_SRCS := $(fuzz_cli_SRCS)
FUZZ_ALL += json
fuzz_json_SRCS := vmm/base/json.c vmm/base/json_get.c vmm/base/json_write.c vmm/base/utf8.c
FUZZ_ALL += api
fuzz_api_SRCS := vmm/api/api_proto.c vmm/base/json.c vmm/base/json_get.c vmm/base/json_write.c \
	vmm/base/utf8.c

# devices: what the guest reaches
FUZZ_ALL += serial
fuzz_serial_SRCS := devices/serial.c vmm/base/log.c vmm/base/err.c
FUZZ_ALL += pci_host
fuzz_pci_host_SRCS := devices/pci_host.c devices/x86/pci_cf8.c devices/pci_ecam.c vmm/base/log.c \
	vmm/base/err.c
FUZZ_ALL += vfio_pci
fuzz_vfio_pci_SRCS := devices/vfio_pci.c devices/vfio_pci_cfg.c devices/vfio_pci_bar.c \
	devices/vfio_pci_msix.c devices/vfio_pci_irq.c tests/fake_vfio.c tests/fake_plat.c \
	vmm/base/log.c vmm/base/err.c
FUZZ_ALL += pci_hotplug
fuzz_pci_hotplug_SRCS := devices/pci_hotplug.c vmm/base/log.c vmm/base/err.c
FUZZ_ALL += power
fuzz_power_SRCS := devices/power.c devices/x86/acpi_pm.c devices/x86/i8042.c devices/x86/cmos.c \
	vmm/base/log.c vmm/base/err.c

# vmm/host: what the kernel and the run directory hand over
FUZZ_ALL += rtnl
fuzz_rtnl_SRCS := vmm/host/rtnl.c
FUZZ_ALL += pci_sysfs
fuzz_pci_sysfs_SRCS := vmm/host/pci_sysfs.c
FUZZ_ALL += iommu_resv
fuzz_iommu_resv_SRCS := vmm/host/iommu_resv.c vmm/host/pci_sysfs.c vmm/base/log.c vmm/base/err.c
FUZZ_ALL += smaps
fuzz_smaps_SRCS := vmm/host/smaps.c
FUZZ_ALL += vf_record
fuzz_vf_record_SRCS := vmm/host/vf_record.c vmm/host/rtnl.c vmm/base/bdf.c

FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_BINS := $(FUZZ_ALL:%=$(FUZZ_BUILD)/fuzz_%)

FUZZ_STAMP := $(FUZZ_BUILD)/flags.stamp
$(FUZZ_STAMP): FORCE
	@mkdir -p $(dir $@)
	@echo '$(FUZZ_CC) $(FUZZ_CFLAGS)' | cmp -s - $@ || echo '$(FUZZ_CC) $(FUZZ_CFLAGS)' >$@

# Coverage instrumentation everywhere; the libFuzzer main only in the link.
$(FUZZ_BUILD)/obj/x86/%.o: %.c $(FUZZ_STAMP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -I. -Ivmm/arch/x86/include -c -o $@ $<

$(FUZZ_BUILD)/obj/arm64/%.o: %.c $(FUZZ_STAMP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -I. -Ivmm/arch/arm64/include -c -o $@ $<

define fuzz_rule
$(FUZZ_BUILD)/fuzz_$(1): $(patsubst %.c,$(FUZZ_BUILD)/obj/$(or $(fuzz_$(1)_ARCH),x86)/%.o, \
		tests/fuzz/fuzz_$(1).c $(fuzz_$(1)_SRCS))
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) -fsanitize=fuzzer -o $$@ $$^ $$(fuzz_$(1)_LDFLAGS)
endef
$(foreach t,$(FUZZ_ALL),$(eval $(call fuzz_rule,$(t))))

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

fuzz: fuzz-build
	@tests/fuzz/run fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-replay: fuzz-build
	@tests/fuzz/run replay $(FUZZ_REPLAY_SECONDS) $(FUZZ_TARGETS)

fuzz-keep: fuzz-build
	@tests/fuzz/run keep $(FUZZ_TARGETS)

$(FUZZ_BUILD)/gen_seeds: tests/fuzz/gen_seeds.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O1 -g $(WARN) -D_GNU_SOURCE -I. -Ivmm/arch/x86/include -o $@ $<

fuzz-seeds: $(FUZZ_BUILD)/gen_seeds
	$(FUZZ_BUILD)/gen_seeds tests/fuzz/corpus

.PHONY: fuzz fuzz-replay fuzz-keep fuzz-build fuzz-seeds

-include $(shell find $(FUZZ_BUILD)/obj -name '*.d' -print 2>/dev/null)
