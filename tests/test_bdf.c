// SPDX-License-Identifier: MIT
/* test_bdf.c - PCI address parsing: every accepted form, and what is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "vmm/base/bdf.h"

static void test_parse_bdf(void **state UNUSED)
{
	static const struct {
		const char *in, *out;
	} good[] = {
	    {"0000:01:10.0", "0000:01:10.0"}, {"01:10.0", "0000:01:10.0"},
	    {"0000:AB:1F.7", "0000:ab:1f.7"}, {"ffff:ff:1f.7", "ffff:ff:1f.7"},
	    {"00:00.0", "0000:00:00.0"},      {"0001:00:02.3", "0001:00:02.3"},
	};
	static const char *const bad[] = {
	    "",
	    "0000:01:10",
	    "0000:01:20.0",
	    "0000:01:10.8",
	    "000:01:10.0",
	    "0000:01:10.0 ",
	    " 0000:01:10.0",
	    "0000-01:10.0",
	    "g000:01:10.0",
	    "00000:01:10.0",
	    "01:10",
	    "1:10.0",
	    "0000:01:10.0,",
	    "0000:01:1.00",
	    "0000:01:10:0",
	    "0000:0x:10.0",
	    "01:10.f",
	};
	char out[13];

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		memset(out, 'x', sizeof(out));
		assert_int_equal(bdf_parse(good[i].in, out), 0);
		assert_string_equal(out, good[i].out);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (bdf_parse(bad[i], out) != -EINVAL)
			fail_msg("\"%s\" parsed as a BDF", bad[i]);
		assert_string_equal(out, "");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_bdf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
