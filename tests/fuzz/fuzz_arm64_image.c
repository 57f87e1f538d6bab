// SPDX-License-Identifier: MIT
/*
 * fuzz_arm64_image.c - the arm64 Image header and PE section check
 * (vmm/arch/arm64/image.c, built with the arm64 layout) on a file of
 * random bytes, whole and as the IMAGE_PARSE_LEN prefix of a longer file,
 * then image_place_initrd() for what it accepts.
 */
#include "tests/fuzz/fuzz.h"

#include "arch/layout.h"
#include "vmm/arch/arm64/image.h"

static void check(u64 file_len, gpa_t base, u64 ram, u64 reserve, int r,
		  const struct arm64_image *img, const char *why)
{
	gpa_t at;

	if (r < 0) {
		FUZZ_CHECK(r == -EINVAL || r == -ENOMEM);
		FUZZ_CHECK(why && *why && strlen(why) < 200);
		return;
	}
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(img->image_size >= file_len && img->file_size == file_len);
	FUZZ_CHECK(img->text_offset < IMAGE_TEXT_OFFSET_MAX && img->text_offset % 8 == 0);
	FUZZ_CHECK(!(img->flags & ~IMAGE_FLAGS_KNOWN) && !(img->flags & IMAGE_FLAG_BE));
	FUZZ_CHECK(img->load == base + img->text_offset);
	FUZZ_CHECK(img->end == img->load + img->image_size);
	FUZZ_CHECK(img->end <= base + ram - reserve);
	for (u64 sz = 1; sz <= 64 * MiB; sz *= 64) {
		if (image_place_initrd(img, base, base + ram - reserve, sz, &at) == 0)
			FUZZ_CHECK(at >= img->end && at + sz <= base + ram - reserve &&
				   at % GUEST_PAGE_SIZE == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		gpa_t base;
		u64 ram, reserve;
	} guests[] = {
	    {RAM_BASE, 16 * MiB, 2 * MiB},
	    {RAM_BASE, 4 * GiB, 2 * MiB},
	    {RAM_BASE, 1 * MiB, 2 * MiB}, /* reserve beyond the RAM */
	    {~0ULL - 8 * MiB, 16 * MiB, 0},
	};
	struct arm64_image img;
	const char *why;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(guests); i++) {
		why = "unset";
		r = image_parse(data, size, size, guests[i].base, guests[i].ram, guests[i].reserve,
				&img, &why);
		check(size, guests[i].base, guests[i].ram, guests[i].reserve, r, &img, why);
	}
	why = "unset";
	r = image_parse(data, MIN(size, (size_t)IMAGE_PARSE_LEN), size + 0x100000, RAM_BASE,
			4 * GiB, 2 * MiB, &img, &why);
	check(size + 0x100000, RAM_BASE, 4 * GiB, 2 * MiB, r, &img, why);
	return 0;
}
