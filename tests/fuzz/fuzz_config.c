// SPDX-License-Identifier: MIT
/*
 * fuzz_config.c - a --config file (vmm/cmd/config_file.c) as JSON
 * (vmm/base/json.c) applied through the command's option table
 * (cli_option_lookup(), cli_apply()), then checked the way tinyvmm_create()
 * checks it. The input is the file's text. Every error must be marked as
 * the user's, and what is applied must stay readable while the document
 * lives.
 */
#include "tests/fuzz/fuzz.h"

#include "include/tinyvmm.h"
#include "vmm/api/config.h"
#include "vmm/base/err.h"
#include "vmm/base/json.h"
#include "vmm/cmd/cli.h"
#include "vmm/cmd/config_file.h"

static int apply(void *opaque, const char *name, const char *value)
{
	return cli_apply(opaque, name, value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json *root = NULL;
	struct tinyvmm_config copy;
	char err[160];
	struct cli c;
	int r;

	fuzz_quiet_logs();
	r = json_parse((const char *)data, size, &root, err, sizeof(err));
	if (r < 0) {
		FUZZ_CHECK(r == -EINVAL || r == -E2BIG || r == -ENOMEM);
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) && err[0]);
		return 0;
	}
	memset(&c, 0, sizeof(c));
	r = config_file_apply(root, "fuzz.json", cli_option_lookup, apply, &c);
	if (r < 0) {
		FUZZ_CHECK(err_is_user(r));
	} else {
		FUZZ_CHECK(c.cfg.nr_vfs <= TINYVMM_MAX_VFS);
		r = config_copy(&copy, &c.cfg);
		if (r == 0) {
			r = config_check(&copy);
			config_free(&copy);
		}
		FUZZ_CHECK(r == 0 || err_is_user(r));
	}
	json_free(root);
	return 0;
}
