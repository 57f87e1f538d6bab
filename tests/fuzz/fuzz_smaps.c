// SPDX-License-Identifier: MIT
/*
 * fuzz_smaps.c - the /proc/self/smaps scan (vmm/host/smaps.c): the input
 * is the file's text, fed a line at a time as the reader does, against a
 * range taken from its first 16 bytes. What it reports must never exceed
 * the range, a failure must be -EINVAL or -ENOENT with nothing reported,
 * and the scan must agree with itself over the same lines split again.
 */
#include "tests/fuzz/fuzz.h"

#include <errno.h>

#include "vmm/host/smaps.h"

static int scan(const char *text, size_t len, u64 start, u64 end, u64 *huge)
{
	struct smaps_scan s;
	char line[512];
	size_t i = 0;

	smaps_scan_init(&s, start, end);
	while (i < len) {
		size_t n = 0;

		while (i < len && n + 1 < sizeof(line)) {
			char c = text[i++];

			line[n++] = c;
			if (c == '\n')
				break;
		}
		line[n] = '\0';
		smaps_scan_line(&s, line);
	}
	return smaps_scan_finish(&s, huge);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u64 start = 0x7f0000000000ULL, end = 0x7f0040000000ULL, huge, again;
	char *text;
	int r;

	if (size >= 17 && data[0] == '\0') {
		memcpy(&start, data + 1, 8);
		memcpy(&end, data + 9, 8);
		data += 17;
		size -= 17;
		if (start > end) {
			u64 t = start;

			start = end;
			end = t;
		}
	}
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	r = scan(text, strlen(text), start, end, &huge);
	if (r < 0) {
		FUZZ_CHECK(r == -EINVAL || r == -ENOENT);
		FUZZ_CHECK(huge == 0);
	} else {
		FUZZ_CHECK(r == 0);
		FUZZ_CHECK(huge <= end - start);
	}
	FUZZ_CHECK(scan(text, strlen(text), start, end, &again) == r && again == huge);
	free(text);
	return 0;
}
