// SPDX-License-Identifier: MIT
/*
 * fuzz_cli.c - the command line (vmm/cmd/cli.c) with --config
 * (vmm/cmd/config_file.c), --vf (vmm/api/vf_spec.c) and the checks
 * tinyvmm_create() makes (vmm/api/config.c).
 *
 * The input is the argument words, one a line, then optionally a NUL and
 * the text of the --config file. Every --config FILE reads that text, never
 * a file: the target links with -Wl,--wrap=config_file_load. The
 * environment is fixed (two variables for --vf-from-env) and stdout, where
 * --help goes, is a memory file emptied per input.
 *
 * Checked: every error is marked as the user's (err.h), and after a
 * successful parse every string of the config can be read (they point into
 * argv and the config document, which must both still be alive).
 */
#include <sys/mman.h>
#include <unistd.h>

#include "tests/fuzz/fuzz.h"

#include "include/tinyvmm.h"
#include "vmm/api/config.h"
#include "vmm/base/err.h"
#include "vmm/base/json.h"
#include "vmm/cmd/cli.h"
#include "vmm/cmd/config_file.h"

#define MAX_WORDS 64

int __wrap_config_file_load(const char *path, config_file_lookup_fn lookup,
			    config_file_apply_fn apply, void *opaque, struct json **doc);

static const char *config_text; /* this input's --config file, NULL: none */
static size_t config_len;

/* config_file_load() on this input's text: parse, then apply, like the real one. */
int __wrap_config_file_load(const char *path, config_file_lookup_fn lookup,
			    config_file_apply_fn apply, void *opaque, struct json **doc)
{
	struct json *root;
	char err[160];
	int r;

	*doc = NULL;
	if (!config_text)
		return err_user(-ENOENT, "config %s: %s", path, strerror(ENOENT));
	r = json_parse(config_text, config_len, &root, err, sizeof(err));
	if (r < 0)
		return r == -ENOMEM ? err_host(r, "config %s: out of memory", path)
				    : err_user(-EINVAL, "config %s: %s", path, err);
	*doc = root;
	return config_file_apply(root, path, lookup, apply, opaque);
}

int LLVMFuzzerInitialize(int *argc UNUSED, char ***argv UNUSED)
{
	int fd = memfd_create("fuzz-stdout", MFD_CLOEXEC);

	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
		abort();
	close(fd);
	clearenv();
	setenv("PCIDEVICE_FUZZ", "0000:01:10.0, 01:10.2,,0000:01:10.4", 1);
	setenv("FUZZ_EMPTY", "", 1);
	return 0;
}

static void touch(const char *s)
{
	if (s)
		FUZZ_CHECK(strlen(s) < (1u << 20));
}

/* What tinyvmm_create() does with the description before opening anything. */
static void create_checks(const struct tinyvmm_config *cfg)
{
	struct tinyvmm_config copy;
	int r = config_copy(&copy, cfg);

	if (r == 0) {
		r = config_check(&copy);
		config_free(&copy);
	}
	FUZZ_CHECK(r == 0 || err_is_user(r));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const u8 *nul = memchr(data, 0, size);
	size_t arglen = nul ? (size_t)(nul - data) : size;
	char *text = malloc(arglen + 1), *argv[MAX_WORDS + 2];
	int argc = 0, r;
	struct cli c;

	if (!text)
		return 0;
	fuzz_quiet_logs();
	memcpy(text, data, arglen);
	text[arglen] = '\0';
	config_text = nul ? (const char *)nul + 1 : NULL;
	config_len = nul ? size - arglen - 1 : 0;

	argv[argc++] = (char *)"tinyvmm";
	for (char *w = text; w && argc <= MAX_WORDS; argc++) {
		argv[argc] = w;
		w = strchr(w, '\n');
		if (w)
			*w++ = '\0';
	}
	argv[argc] = NULL;

	r = cli_parse(argc, argv, &c);
	if (r < 0) {
		FUZZ_CHECK(err_is_user(r));
		FUZZ_CHECK(c.config_doc == NULL);
	} else if (r == 0) {
		const struct tinyvmm_config *cfg = &c.cfg;

		touch(cfg->kernel);
		touch(cfg->initrd);
		touch(cfg->cmdline);
		touch(cfg->console);
		touch(cfg->console_log);
		touch(cfg->expect);
		touch(cfg->events);
		touch(cfg->api_socket);
		touch(cfg->dump_dtb);
		FUZZ_CHECK(cfg->nr_vfs <= TINYVMM_MAX_VFS);
		create_checks(cfg);
		cli_release(&c);
	} else {
		FUZZ_CHECK(r == 1);
	}
	FUZZ_CHECK(c.config_doc == NULL);

	/* the next input starts with an empty stdout */
	fflush(stdout);
	if (ftruncate(STDOUT_FILENO, 0) < 0 || lseek(STDOUT_FILENO, 0, SEEK_SET) < 0)
		abort();
	free(text);
	return 0;
}
