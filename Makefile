# tinyvmm - one Makefile. Sources are listed one per line.
#
#   make            build/tinyvmm
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

# --- devices ---
DEV_SRCS :=

# --- firmware: tables the guest reads ---
FW_SRCS :=

VMM_SRCS := $(CORE_SRCS) $(DEV_SRCS) $(FW_SRCS)

MAIN_SRC := vmm/main.c

# Unit tests: tests/test_<name>.c links only the sources in test_<name>_SRCS.
TESTS :=
# --- core tests ---

# --- device tests ---

# --- firmware tests ---

# ---------------------------------------------------------------------------

VMM_OBJS := $(VMM_SRCS:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(MAIN_SRC:%.c=$(BUILD)/%.o)

all: $(BUILD)/tinyvmm

$(BUILD)/tinyvmm: $(MAIN_OBJ) $(VMM_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

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

check: $(TEST_BINS)
	@tests/run-unit $(TEST_BINS)

images: $(BUILD)/tinyvmm
	guest-images/build-all

lab-test: images
	tests/lab/run --all

test:
	scripts/setup
	$(MAKE) check
	$(MAKE) lab-test

demo:
	scripts/setup
	$(MAKE) images
	tests/lab/run demo

clean:
	rm -rf $(BUILD)/*.o $(BUILD)/vmm $(BUILD)/devices $(BUILD)/firmware \
	       $(BUILD)/tests $(ASAN) $(BUILD)/tinyvmm

distclean:
	rm -rf $(BUILD)

.PHONY: all check images lab-test test demo clean distclean

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
