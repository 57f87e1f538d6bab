// SPDX-License-Identifier: MIT
/*
 * fuzz_vmlinux.c - the ELF kernel parser (vmm/arch/x86/vmlinux.c) and
 * kernel_image_parse()'s format dispatch on a file of random bytes, whole
 * and as a loader's prefix of a longer file. What it accepts must be loadable:
 * segments sorted, disjoint, inside the file and the guest's low RAM, the
 * entry point inside one; kernel_image_synth_setup() must take it.
 */
#include <asm/bootparam.h>

#include "tests/fuzz/fuzz.h"

#include "arch/layout.h"
#include "vmm/arch/x86/kernel_image.h"
#include "vmm/arch/x86/vmlinux.h"

static void check(u64 file_len, u64 ram, int r, const struct kernel_image *k, const char *why)
{
	u8 setup[1024];
	bool entry_in = false;

	if (r < 0) {
		FUZZ_CHECK(r == -EINVAL || r == -ENOMEM);
		FUZZ_CHECK(why && *why && strlen(why) < 200);
		return;
	}
	FUZZ_CHECK(r == 0 && why == NULL);
	FUZZ_CHECK(k->nr_seg >= 1 && k->nr_seg <= KERNEL_MAX_SEGMENTS);
	for (unsigned int i = 0; i < k->nr_seg; i++) {
		const struct kernel_segment *s = &k->seg[i];

		FUZZ_CHECK(s->filesz <= s->memsz && s->memsz > 0);
		FUZZ_CHECK(range_ok(s->offset, s->filesz, file_len));
		FUZZ_CHECK(s->gpa >= KERNEL_LOAD_GPA);
		FUZZ_CHECK(range_ok(s->gpa, s->memsz, MIN(ram, MMIO_HOLE_START)));
		if (i)
			FUZZ_CHECK(k->seg[i - 1].gpa + k->seg[i - 1].memsz <= s->gpa);
		entry_in |= k->entry >= s->gpa && k->entry - s->gpa < s->memsz;
	}
	if (k->format == KERNEL_VMLINUX) {
		FUZZ_CHECK(entry_in);
		FUZZ_CHECK(k->kernel_end ==
			   k->seg[k->nr_seg - 1].gpa + k->seg[k->nr_seg - 1].memsz);
	}
	FUZZ_CHECK(k->kernel_end <= MIN(ram, MMIO_HOLE_START));
	FUZZ_CHECK(kernel_image_synth_setup(k, setup, sizeof(setup)) > 0);
	FUZZ_CHECK(kernel_image_synth_setup(k, setup, 0x200) == -ENOSPC);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u64 rams[] = {16 * MiB, 256 * MiB, 64 * GiB};
	struct kernel_image k;
	const char *why;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(rams); i++) {
		why = "unset";
		r = vmlinux_parse(data, size, size, rams[i], &k, &why);
		check(size, rams[i], r, &k, why);
		why = "unset";
		r = kernel_image_parse(data, size, size, rams[i], &k, &why);
		check(size, rams[i], r, &k, why);
	}
	/* a loader's prefix of a longer file: program headers may lie beyond it */
	for (size_t cut = 64; cut <= 1024 && cut < size; cut *= 4) {
		why = "unset";
		r = kernel_image_parse(data, cut, size + 4096, 256 * MiB, &k, &why);
		check(size + 4096, 256 * MiB, r, &k, why);
	}
	return 0;
}
