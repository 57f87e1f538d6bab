// SPDX-License-Identifier: MIT
/*
 * test_cli.c - the command line and --config FILE into struct
 * tinyvmm_config, with the checks tinyvmm_create() makes of the values
 * (config.c), so every message the user can get from a command line is here.
 * The kernel and initrd file checks are test_input_file.c's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch/layout.h"
#include "vmm/api/config.h"
#include "vmm/base/err.h"
#include "vmm/cmd/cli.h"

static char dir[64];
static char kernel[128], initrd[128], missing[128];
static char err[4096];	/* what the last parse printed on stderr */
static char out[16384]; /* and on stdout */

static int setup(void **state UNUSED)
{
	int fd;

	strcpy(dir, "/tmp/test_cli.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(kernel, sizeof(kernel), "%s/bzImage", dir);
	snprintf(initrd, sizeof(initrd), "%s/initrd", dir);
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	fd = open(kernel, O_WRONLY | O_CREAT, 0644);
	if (fd < 0 || write(fd, "kernel", 6) != 6)
		return -1;
	close(fd);
	fd = open(initrd, O_WRONLY | O_CREAT, 0644);
	if (fd < 0 || write(fd, "initrd!", 7) != 7)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state UNUSED)
{
	unlink(kernel);
	unlink(initrd);
	rmdir(dir);
	return 0;
}

static void slurp(FILE *f, char *buf, size_t len)
{
	size_t n;

	fflush(f);
	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
}

/*
 * What tinyvmm_create() does with the description before it opens anything:
 * the library's copy and its checks. The plain errno, as the user error it
 * must be.
 */
static int create_checks(const struct tinyvmm_config *cfg)
{
	struct tinyvmm_config copy;
	int r = config_copy(&copy, cfg);

	if (r == 0) {
		r = config_check(&copy);
		config_free(&copy);
	}
	return r;
}

/* Parse argv (argc words and a NULL) and check it, capturing stdout and stderr. */
static int parse_argv(struct cli *c, int argc, char **argv)
{
	int r, saved_err, saved_out;
	FILE *ferr = tmpfile(), *fout = tmpfile();

	assert_non_null(ferr);
	assert_non_null(fout);

	fflush(stderr);
	fflush(stdout);
	saved_err = dup(2);
	saved_out = dup(1);
	dup2(fileno(ferr), 2);
	dup2(fileno(fout), 1);
	r = cli_parse(argc, argv, c);
	if (r == 0)
		r = create_checks(&c->cfg);
	fflush(stderr);
	fflush(stdout);
	dup2(saved_err, 2);
	dup2(saved_out, 1);
	close(saved_err);
	close(saved_out);
	slurp(ferr, err, sizeof(err));
	slurp(fout, out, sizeof(out));
	fclose(ferr);
	fclose(fout);
	if (r < 0 && !err_is_user(r))
		fail_msg("error %d is not marked as the user's; stderr: %s", r, err);
	return err_errno(r);
}

/* Parse a NULL-terminated list of words, capturing stdout and stderr. */
static int parse(struct cli *c, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;

	argv[argc++] = (char *)"tinyvmm";
	va_start(ap, c);
	for (char *w; (w = va_arg(ap, char *));) {
		assert_true(argc < (int)ARRAY_SIZE(argv) - 1);
		argv[argc++] = w;
	}
	va_end(ap);
	argv[argc] = NULL;
	return parse_argv(c, argc, argv);
}

#define assert_err(needle)                                                                         \
	do {                                                                                       \
		if (!strstr(err, (needle)))                                                        \
			fail_msg("stderr \"%s\" does not contain \"%s\"", err, (needle));          \
	} while (0)

/* Every failure prints exactly one line and holds nothing (the config document freed). */
static void expect_fail(struct cli *c, const char *needle)
{
	assert_err(needle);
	assert_non_null(strchr(err, '\n'));
	assert_string_equal(strchr(err, '\n') + 1, "");
	cli_release(c);
}

static void test_defaults(void **state UNUSED)
{
	struct cli c;

	struct tinyvmm_config copy;

	assert_int_equal(parse(&c, "--kernel", kernel, NULL), 0);
	assert_string_equal(c.cfg.kernel, kernel);
	assert_null(c.cfg.initrd);
	/* Zero is the default for every field; the library's copy fills them in. */
	assert_int_equal(c.cfg.mem_mib, 0);
	assert_int_equal(c.cfg.cpus, 0);
	assert_null(c.cfg.cmdline);
	assert_int_equal(config_copy(&copy, &c.cfg), 0);
	assert_int_equal(copy.mem_mib, 256);
	assert_int_equal(copy.cpus, 1);
	assert_string_equal(copy.cmdline, "console=ttyS0 panic=-1");
	assert_string_equal(copy.kernel, kernel);
	assert_ptr_not_equal(copy.kernel, c.cfg.kernel);
	config_free(&copy);
	assert_null(c.cfg.console);
	assert_false(c.cfg.console_stdin);
	assert_false(c.cfg.restart_on_reboot);
	assert_false(c.cfg.hugepages);
	assert_false(c.cfg.stats);
	assert_false(c.cfg.verbose);
	assert_string_equal(err, "");
	cli_release(&c);
	cli_release(&c); /* twice is fine */
}

static void test_everything(void **state UNUSED)
{
	struct cli c;

	assert_int_equal(parse(&c, "--mem", "512", "--kernel", kernel, "--initrd", initrd,
			       "--cmdline", "console=ttyS0 quiet", "--cpus", "4", "--console",
			       "/tmp/x.log", "--reboot=restart", "--hugepages", "--stats", "-v",
			       NULL),
			 0);
	assert_int_equal(c.cfg.mem_mib, 512);
	assert_int_equal(c.cfg.cpus, 4);
	assert_string_equal(c.cfg.initrd, initrd);
	assert_string_equal(c.cfg.cmdline, "console=ttyS0 quiet");
	assert_string_equal(c.cfg.console, "/tmp/x.log");
	assert_true(c.cfg.restart_on_reboot);
	assert_true(c.cfg.hugepages && c.cfg.stats && c.cfg.verbose);
	cli_release(&c);

	assert_int_equal(parse(&c, "--kernel", kernel, "--reboot", "exit", "--cpus", "255", NULL),
			 0);
	assert_false(c.cfg.restart_on_reboot);
	assert_int_equal(c.cfg.cpus, 255);
	cli_release(&c);
}

static void test_mem_sizes(void **state UNUSED)
{
	static const struct {
		const char *arg;
		u64 bytes;
	} ok[] = {
	    {"16", 16 * MiB},  {"16M", 16 * MiB},	{"16m", 16 * MiB},
	    {"2G", 2 * GiB},   {"2g", 2 * GiB},		{"16384K", 16 * MiB},
	    {"4096", 4 * GiB}, {"511G", GUEST_MAX_RAM}, {"3073", 3 * GiB + MiB},
	};
	struct cli c;

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		assert_int_equal(parse(&c, "--kernel", kernel, "--mem", ok[i].arg, NULL), 0);
		assert_int_equal(c.cfg.mem_mib, ok[i].bytes / MiB);
		cli_release(&c);
	}
}

static void test_mem_bad(void **state UNUSED)
{
	static const struct {
		const char *arg, *msg;
	} bad[] = {
	    {"0", "too small"},	     {"0G", "too small"},
	    {"16E", "too large"},    {"1T", "too large"},
	    {"512G", "too large"},   {"99999999999999999999", "too large"},
	    {"12abc", "not a size"}, {"-5", "not a size"},
	    {"+5", "not a size"},    {" 5", "not a size"},
	    {"", "not a size"},	     {"16K", "too small"},
	    {"15", "too small"},     {"16385K", "not a whole number of MiB"},
	    {"16MB", "not a size"},  {"1.5G", "not a size"},
	};
	struct cli c;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(parse(&c, "--kernel", kernel, "--mem", bad[i].arg, NULL), -EINVAL);
		expect_fail(&c, "--mem");
		expect_fail(&c, bad[i].msg);
	}
}

static void test_cpus(void **state UNUSED)
{
	static const char *const bad[] = {"0", "256", "x", "-1", "1x", "", "99999999999"};
	struct cli c;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(parse(&c, "--kernel", kernel, "--cpus", bad[i], NULL), -EINVAL);
		expect_fail(&c, "--cpus");
		expect_fail(&c, "1 to 255");
	}
}

static void test_kernel_required(void **state UNUSED)
{
	struct cli c;

	assert_int_equal(parse(&c, NULL), -EINVAL);
	expect_fail(&c, "--kernel");
	/* An empty name is the file checks' (test_input_file.c); the text is kept. */
	assert_int_equal(parse(&c, "--kernel", "", NULL), 0);
	assert_string_equal(c.cfg.kernel, "");
	cli_release(&c);
	assert_int_equal(parse(&c, "--mem", "64", "--initrd", initrd, NULL), -EINVAL);
	expect_fail(&c, "no kernel given; use --kernel bzImage");
}

static void test_bad_options(void **state UNUSED)
{
	struct cli c;

	assert_int_equal(parse(&c, "--kernel", kernel, "--frobnicate", NULL), -EINVAL);
	expect_fail(&c, "--frobnicate: unknown");
	assert_int_equal(parse(&c, "--kernel", kernel, "--frob=3", NULL), -EINVAL);
	expect_fail(&c, "--frob: unknown");
	assert_int_equal(parse(&c, "--kernel", kernel, "-x", NULL), -EINVAL);
	expect_fail(&c, "-x: unknown");
	assert_int_equal(parse(&c, "--kernel", kernel, "--reboot=maybe", NULL), -EINVAL);
	expect_fail(&c, "--reboot=maybe: unknown mode; use --reboot=exit or --reboot=restart");
	assert_int_equal(parse(&c, "--kernel", kernel, "--mem", NULL), -EINVAL);
	expect_fail(&c, "--mem: missing argument");
	assert_int_equal(parse(&c, "--kernel", kernel, "stray", NULL), -EINVAL);
	expect_fail(&c, "stray: unexpected argument");
	assert_int_equal(parse(&c, "--kernel", kernel, "--stats=yes", NULL), -EINVAL);
	expect_fail(&c, "--stats: takes no argument");
}

static void test_vf(void **state UNUSED)
{
	struct cli c;

	assert_int_equal(parse(&c, "--kernel", kernel, NULL), 0);
	assert_int_equal(c.cfg.nr_vfs, 0);
	cli_release(&c);

	assert_int_equal(parse(&c, "--kernel", kernel, "--vf", "0000:01:10.4", "--vf",
			       "01:10.0,slot=7", "--vf", "0000:01:1F.2,slot=31", NULL),
			 0);
	assert_int_equal(c.cfg.nr_vfs, 3);
	/* Command-line order, canonical addresses, 0 for "any slot". */
	assert_string_equal(c.cfg.vfs[0].bdf, "0000:01:10.4");
	assert_int_equal(c.cfg.vfs[0].slot, 0);
	assert_string_equal(c.cfg.vfs[1].bdf, "0000:01:10.0");
	assert_int_equal(c.cfg.vfs[1].slot, 7);
	assert_string_equal(c.cfg.vfs[2].bdf, "0000:01:1f.2");
	assert_int_equal(c.cfg.vfs[2].slot, 31);
	assert_string_equal(err, "");
	/* Defaults: managed, PF settings left alone. */
	assert_false(c.cfg.vfs[0].unmanaged);
	assert_false(c.cfg.vfs[0].set_mac);
	assert_false(c.cfg.vfs[0].set_vlan);
	assert_int_equal(c.cfg.vfs[0].spoofchk, TINYVMM_KEEP);
	assert_int_equal(c.cfg.vfs[0].trust, TINYVMM_KEEP);
	cli_release(&c);

	assert_int_equal(parse(&c, "--kernel", kernel, "--vf",
			       "0000:01:10.0,mac=52:54:00:6D:90:02,vlan=42,qos=3,spoofchk=off,"
			       "trust=on,managed=no,slot=4",
			       NULL),
			 0);
	assert_int_equal(c.cfg.vfs[0].slot, 4);
	assert_true(c.cfg.vfs[0].set_mac);
	assert_memory_equal(c.cfg.vfs[0].mac, ((u8[]){0x52, 0x54, 0x00, 0x6d, 0x90, 0x02}), 6);
	assert_true(c.cfg.vfs[0].set_vlan);
	assert_int_equal(c.cfg.vfs[0].vlan, 42);
	assert_int_equal(c.cfg.vfs[0].qos, 3);
	assert_int_equal(c.cfg.vfs[0].spoofchk, TINYVMM_OFF);
	assert_int_equal(c.cfg.vfs[0].trust, TINYVMM_ON);
	assert_true(c.cfg.vfs[0].unmanaged);
	cli_release(&c);
}

static void test_vf_from_env(void **state UNUSED)
{
	struct cli c;

	setenv("PCIDEVICE_TEST_SRIOV", "0000:01:10.0, 0000:01:10.2,,01:10.4", 1);
	assert_int_equal(parse(&c, "--kernel", kernel, "--vf", "0000:02:00.0,slot=9",
			       "--vf-from-env", "PCIDEVICE_TEST_SRIOV", NULL),
			 0);
	assert_int_equal(c.cfg.nr_vfs, 4);
	assert_string_equal(c.cfg.vfs[0].bdf, "0000:02:00.0");
	assert_string_equal(c.cfg.vfs[1].bdf, "0000:01:10.0");
	assert_string_equal(c.cfg.vfs[2].bdf, "0000:01:10.2");
	assert_string_equal(c.cfg.vfs[3].bdf, "0000:01:10.4");
	assert_false(c.cfg.vfs[3].unmanaged);
	cli_release(&c);
	/* The variable twice: each copy parsed on its own (no text shared). */
	setenv("PCIDEVICE_TWICE", "0000:01:10.0", 1);
	assert_int_equal(parse(&c, "--kernel", kernel, "--vf-from-env", "PCIDEVICE_TWICE",
			       "--vf-from-env", "PCIDEVICE_TWICE", NULL),
			 -EINVAL);
	expect_fail(&c, "0000:01:10.0 is already passed by --vf 0000:01:10.0");

	unsetenv("PCIDEVICE_NOT_THERE");
	assert_int_equal(
	    parse(&c, "--kernel", kernel, "--vf-from-env", "PCIDEVICE_NOT_THERE", NULL), -EINVAL);
	expect_fail(&c, "--vf-from-env PCIDEVICE_NOT_THERE: the variable is not set");
	setenv("PCIDEVICE_EMPTY", "", 1);
	assert_int_equal(parse(&c, "--kernel", kernel, "--vf-from-env", "PCIDEVICE_EMPTY", NULL),
			 -EINVAL);
	expect_fail(&c, "the variable is empty");
	setenv("PCIDEVICE_COMMA", ", ,", 1);
	assert_int_equal(parse(&c, "--kernel", kernel, "--vf-from-env", "PCIDEVICE_COMMA", NULL),
			 -EINVAL);
	expect_fail(&c, "--vf-from-env PCIDEVICE_COMMA: the variable holds no PCI address, only "
			"commas and blanks");
	/* the value is not echoed: a newline in it would break the one line */
	setenv("PCIDEVICE_COMMA", ",\n,\n", 1);
	assert_int_equal(parse(&c, "--kernel", kernel, "--vf-from-env", "PCIDEVICE_COMMA", NULL),
			 -EINVAL);
	expect_fail(&c, "only commas and blanks; the SR-IOV device plugin sets");
	setenv("PCIDEVICE_BAD", "0000:01:10.0,eth0", 1);
	assert_int_equal(parse(&c, "--kernel", kernel, "--vf-from-env", "PCIDEVICE_BAD", NULL),
			 -EINVAL);
	expect_fail(&c, "\"eth0\" is not a PCI address");
	/* Blanks (newlines too) around an entry go; an entry with one inside is
	 * refused whole, not cut at the blank (which dropped the second VF). */
	setenv("PCIDEVICE_NL", "\n0000:01:10.0 \r\n,\t01:10.2\n", 1);
	assert_int_equal(parse(&c, "--kernel", kernel, "--vf-from-env", "PCIDEVICE_NL", NULL), 0);
	assert_int_equal(c.cfg.nr_vfs, 2);
	assert_string_equal(c.cfg.vfs[0].bdf, "0000:01:10.0");
	assert_string_equal(c.cfg.vfs[1].bdf, "0000:01:10.2");
	cli_release(&c);
	setenv("PCIDEVICE_NL", "0000:01:10.0\n0000:01:10.2", 1);
	assert_int_equal(parse(&c, "--kernel", kernel, "--vf-from-env", "PCIDEVICE_NL", NULL),
			 -EINVAL);
	expect_fail(&c, "is not a PCI address");
	/* The same VF from the variable and from --vf. */
	setenv("PCIDEVICE_DUP", "0000:01:10.0", 1);
	assert_int_equal(parse(&c, "--kernel", kernel, "--vf", "01:10.0", "--vf-from-env",
			       "PCIDEVICE_DUP", NULL),
			 -EINVAL);
	expect_fail(&c, "already passed");
}

static void test_ci_options(void **state UNUSED)
{
	struct cli c;

	assert_int_equal(parse(&c, "--kernel", kernel, "--timeout", "2.5", "--expect", "^OK$",
			       "--console-log", "/tmp/x", "--console-log-timestamps", "--events",
			       "fd:2", NULL),
			 0);
	assert_true(c.cfg.timeout == 2.5);
	assert_string_equal(c.cfg.expect, "^OK$"); /* compiled by tinyvmm_create() */
	assert_string_equal(c.cfg.console_log, "/tmp/x");
	assert_true(c.cfg.console_log_timestamps);
	assert_string_equal(c.cfg.events, "fd:2");
	cli_release(&c);
	cli_release(&c); /* twice is safe */
	/* A repeated --expect replaces the first. */
	assert_int_equal(parse(&c, "--kernel", kernel, "--expect", "a", "--expect", "b+", NULL), 0);
	assert_string_equal(c.cfg.expect, "b+");
	cli_release(&c);
	assert_int_equal(parse(&c, "--kernel", kernel, NULL), 0);
	assert_true(c.cfg.timeout == 0);
	assert_null(c.cfg.expect);
	assert_null(c.cfg.events);
	assert_true(c.cfg.output_limit == 0); /* the default, 64 MiB */
	cli_release(&c);
	/* --output-limit: a size, or none */
	assert_int_equal(parse(&c, "--kernel", kernel, "--output-limit", "256M", NULL), 0);
	assert_true(c.cfg.output_limit == 256ULL << 20);
	cli_release(&c);
	assert_int_equal(parse(&c, "--kernel", kernel, "--output-limit", "none", NULL), 0);
	assert_true(c.cfg.output_limit == TINYVMM_OUTPUT_UNLIMITED);
	cli_release(&c);
	assert_int_equal(parse(&c, "--kernel", kernel, "--output-limit", "1K", NULL), -EINVAL);
	expect_fail(&c, "--output-limit 1K: give a size of at least 4K");
	assert_int_equal(parse(&c, "--kernel", kernel, "--output-limit", "lots", NULL), -EINVAL);
	expect_fail(&c, "or none for no limit");
	/* no unit: not MiB, as a bare --mem is; refused */
	assert_int_equal(parse(&c, "--kernel", kernel, "--output-limit", "4096", NULL), -EINVAL);
	expect_fail(&c, "--output-limit 4096: give a size of at least 4K with a K/M/G/T suffix");
}

static void test_ci_options_bad(void **state UNUSED)
{
	static const char *const bad_timeouts[] = {"0",	  "-1", "",   "abc", "1s", "nan",
						   "inf", " 1", "+1", "1e9", "0.0"};
	struct cli c;

	for (size_t i = 0; i < ARRAY_SIZE(bad_timeouts); i++) {
		assert_int_equal(parse(&c, "--kernel", kernel, "--timeout", bad_timeouts[i], NULL),
				 -EINVAL);
		expect_fail(&c, "--timeout");
	}
	assert_int_equal(parse(&c, "--kernel", kernel, "--events", "fd:bad", NULL), -EINVAL);
	expect_fail(&c, "--events fd:bad: not a descriptor number");
	assert_int_equal(parse(&c, "--kernel", kernel, "--events", "fd:", NULL), -EINVAL);
	assert_int_equal(parse(&c, "--kernel", kernel, "--events", "fd:4000", NULL), -EINVAL);
	expect_fail(&c, "descriptor 4000 is not open for writing");
	assert_int_equal(parse(&c, "--kernel", kernel, "--events", "", NULL), -EINVAL);
	assert_int_equal(parse(&c, "--kernel", kernel, "--console-log", "", NULL), -EINVAL);
	assert_int_equal(parse(&c, "--kernel", kernel, "--console-log-timestamps", NULL), -EINVAL);
	expect_fail(&c, "needs --console-log");
	assert_int_equal(parse(&c, "--kernel", kernel, "--mem", "17", "--hugepages", NULL),
			 -EINVAL);
	expect_fail(&c, "--mem 17: --hugepages needs a multiple of 2 MiB");
	/* x86 boots with ACPI tables: no device tree to dump */
	assert_int_equal(parse(&c, "--kernel", kernel, "--dump-dtb", "/tmp/x.dtb", NULL), -EINVAL);
	expect_fail(&c, "--dump-dtb: x86_64 guests boot with ACPI tables");
	assert_int_equal(parse(&c, "--kernel", kernel, "--dump-dtb", "", NULL), -EINVAL);
	expect_fail(&c, "--dump-dtb");
}

static void test_vf_bad(void **state UNUSED)
{
	static const struct {
		const char *arg, *msg;
	} bad[] = {
	    {"0000:01:10", "--vf 0000:01:10: \"0000:01:10\" is not a PCI address"},
	    {"0000:01:20.0", "is not a PCI address; give DDDD:BB:DD.F or BB:DD.F"},
	    {"", "is not a PCI address"},
	    {"0000:01:10.0,", "--vf 0000:01:10.0,: empty option"},
	    {"0000:01:10.0,,slot=2", "empty option"},
	    {"0000:01:10.0,=3", "empty option"},
	    {"0000:01:10.0,slot", "--vf 0000:01:10.0,slot: slot needs a value"},
	    {"0000:01:10.0,slot=", "slot needs a value: slot=VALUE"},
	    {"0000:01:10.0,spoofchk=", "--vf 0000:01:10.0,spoofchk=: spoofchk needs a value: "
				       "spoofchk=VALUE"},
	    {"0000:01:10.0,color=red", "unknown key \"color\"; the keys are: slot, mac"},
	    /* the key is judged before its value */
	    {"0000:01:10.0,color=", "unknown key \"color\"; the keys are: slot, mac"},
	    {"0000:01:10.0,color", "unknown key \"color\""},
	    {"0000:01:10.0,mac=01:00:5e:00:00:01", "mac=01:00:5e:00:00:01 is a multicast address"},
	    {"0000:01:10.0,mac=00:00:00:00:00:00", "all-zero address"},
	    {"0000:01:10.0,mac=52:54:00:00:01", "mac=52:54:00:00:01: give six hex bytes"},
	    {"0000:01:10.0,mac=52:54:00:00:00:0g", "give six hex bytes"},
	    {"0000:01:10.0,vlan=4095", "vlan=4095: give a VLAN id from 0 (none) to 4094"},
	    {"0000:01:10.0,vlan=-1", "give a VLAN id"},
	    {"0000:01:10.0,vlan=42,qos=8", "qos=8: give an 802.1p priority from 0 to 7"},
	    {"0000:01:10.0,qos=3", "qos= applies to a VLAN; give vlan=N"},
	    {"0000:01:10.0,spoofchk=maybe", "spoofchk=maybe: give on or off"},
	    {"0000:01:10.0,trust=2", "trust=2: give on or off"},
	    {"0000:01:10.0,managed=sure", "managed=sure: give on or off"},
	    {"0000:01:10.0,mac=52:54:00:00:00:01,mac=52:54:00:00:00:02", "mac given twice"},
	    {"0000:01:10.0,slot=1,slot=2", "slot given twice"},
	    {"0000:01:10.0,slot=0", "slot=0 is the PCI host bridge; use slot=1..31"},
	    {"0000:01:10.0,slot=32", "slot=32: give a guest slot from 1 to 31"},
	    {"0000:01:10.0,slot=-1", "slot=-1: give a guest slot from 1 to 31"},
	    {"0000:01:10.0,slot=3x", "slot=3x: give a guest slot"},
	    {"0000:01:10.0,slot=99999999999999999999", "give a guest slot from 1 to 31"},
	};
	struct cli c;
	char many[TINYVMM_MAX_VFS + 1][16];
	char *argv[2 * (TINYVMM_MAX_VFS + 1) + 4];
	int argc = 0;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(parse(&c, "--kernel", kernel, "--vf", bad[i].arg, NULL), -EINVAL);
		expect_fail(&c, bad[i].msg);
	}
	assert_int_equal(parse(&c, "--kernel", kernel, "--vf", NULL), -EINVAL);
	expect_fail(&c, "--vf: missing argument");
	/* The same function twice, in two spellings. */
	assert_int_equal(
	    parse(&c, "--kernel", kernel, "--vf", "0000:01:10.0", "--vf", "01:10.0,slot=4", NULL),
	    -EINVAL);
	expect_fail(&c, "--vf 0000:01:10.0: 0000:01:10.0 is already passed by --vf 0000:01:10.0; "
			"give each function once");

	/* At most TINYVMM_MAX_VFS. */
	argv[argc++] = (char *)"tinyvmm";
	argv[argc++] = (char *)"--kernel";
	argv[argc++] = kernel;
	for (int i = 0; i <= TINYVMM_MAX_VFS; i++) {
		snprintf(many[i], sizeof(many[i]), "0000:02:%02x.0", i);
		argv[argc++] = (char *)"--vf";
		argv[argc++] = many[i];
	}
	argv[argc] = NULL;
	assert_int_equal(parse_argv(&c, argc, argv), -EINVAL);
	expect_fail(&c, "--vf 0000:02:10.0: too many; at most 16");
	/* 16 are fine. */
	argv[argc - 2] = NULL;
	assert_int_equal(parse_argv(&c, argc - 2, argv), 0);
	assert_int_equal(c.cfg.nr_vfs, TINYVMM_MAX_VFS);
	cli_release(&c);
}

/* Write text to dir/name; path gets the file's path. */
static void write_file(char *path, size_t len, const char *name, const char *text)
{
	FILE *f;

	snprintf(path, len, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	fclose(f);
}

static void test_config_file(void **state UNUSED)
{
	char cfgf[128], badf[128], arg[160], text[512];
	struct cli c;

	snprintf(text, sizeof(text),
		 "{\"kernel\": \"%s\", \"mem\": \"512\", \"cpus\": 2, \"stats\": true,"
		 " \"hugepages\": false, \"timeout\": 2.5,"
		 " \"vf\": [\"01:10.0,slot=7\", {\"bdf\": \"01:10.2\", \"slot\": 9}]}",
		 kernel);
	write_file(cfgf, sizeof(cfgf), "vm.json", text);
	assert_int_equal(parse(&c, "--config", cfgf, NULL), 0);
	assert_string_equal(err, "");
	assert_string_equal(c.cfg.kernel, kernel);
	assert_int_equal(c.cfg.mem_mib, 512);
	assert_int_equal(c.cfg.cpus, 2);
	assert_true(c.cfg.stats);
	assert_false(c.cfg.hugepages);
	assert_true(c.cfg.timeout == 2.5);
	assert_int_equal(c.cfg.nr_vfs, 2);
	assert_string_equal(c.cfg.vfs[0].bdf, "0000:01:10.0");
	assert_int_equal(c.cfg.vfs[0].slot, 7);
	assert_string_equal(c.cfg.vfs[1].bdf, "0000:01:10.2");
	assert_int_equal(c.cfg.vfs[1].slot, 9);
	cli_release(&c);
	assert_null(c.config_doc);

	/* Flags override the file, wherever they stand on the command line. */
	assert_int_equal(parse(&c, "--cpus", "4", "--config", cfgf, "--stats", NULL), 0);
	assert_int_equal(c.cfg.cpus, 4);
	assert_int_equal(c.cfg.mem_mib, 512);
	cli_release(&c);
	snprintf(arg, sizeof(arg), "--config=%s", cfgf);
	assert_int_equal(parse(&c, arg, "--mem", "1G", "--kernel", initrd, NULL), 0);
	assert_int_equal(c.cfg.mem_mib, 1024);
	assert_string_equal(c.cfg.kernel, initrd); /* the command line's, not the file's */
	assert_int_equal(c.cfg.nr_vfs, 2);
	cli_release(&c);
	/* A --vf on the command line replaces the file's list instead of adding to it. */
	assert_int_equal(parse(&c, "--vf", "01:10.4", "--config", cfgf, NULL), 0);
	assert_int_equal(c.cfg.nr_vfs, 1);
	assert_string_equal(c.cfg.vfs[0].bdf, "0000:01:10.4");
	cli_release(&c);

	/* An unknown key is an error naming it: exit path -EINVAL, nothing open. */
	write_file(badf, sizeof(badf), "bad.json", "{\"mem\": 512, \"foo\": 1}");
	assert_int_equal(parse(&c, "--kernel", kernel, "--config", badf, NULL), -EINVAL);
	assert_err("config ");
	expect_fail(&c, "bad.json: unknown key \"foo\" (see tinyvmm --help for the option names)");
	assert_null(c.config_doc);
	/* Values from the file go through the same checks as flags. */
	write_file(badf, sizeof(badf), "bad.json", "{\"mem\": \"lots\"}");
	assert_int_equal(parse(&c, "--kernel", kernel, "--config", badf, NULL), -EINVAL);
	expect_fail(&c, "--mem lots: not a size");
	write_file(badf, sizeof(badf), "bad.json", "{\"cpus\": [2]}");
	assert_int_equal(parse(&c, "--kernel", kernel, "--config", badf, NULL), -EINVAL);
	expect_fail(&c, "bad.json: key \"cpus\": expected a string or number, got array");
	write_file(badf, sizeof(badf), "bad.json", "{\"config\": \"vm.json\"}");
	assert_int_equal(parse(&c, "--kernel", kernel, "--config", badf, NULL), -EINVAL);
	expect_fail(&c, "key \"config\" is not allowed in a config file");
	write_file(badf, sizeof(badf), "bad.json", "{\"mem\": 512,\n \"cpus\" 2}");
	assert_int_equal(parse(&c, "--kernel", kernel, "--config", badf, NULL), -EINVAL);
	expect_fail(&c, "bad.json: line 2 column 9: expected ':' after object key");
	assert_int_equal(parse(&c, "--config", missing, NULL), -ENOENT);
	expect_fail(&c, "missing: No such file or directory");
	assert_int_equal(parse(&c, "--config", cfgf, "--config", cfgf, NULL), -EINVAL);
	expect_fail(&c, "vm.json: given twice (also --config ");
	assert_int_equal(parse(&c, "--config", NULL), -EINVAL);
	expect_fail(&c, "--config: missing argument");
	/* --help works whatever the file holds. */
	assert_int_equal(parse(&c, "--config", badf, "--help", NULL), 1);
	assert_non_null(strstr(out, "--config FILE"));
	unlink(badf);
	unlink(cfgf);
}

static void test_option_lookup(void **state UNUSED)
{
	bool takes_arg = false;

	assert_int_equal(cli_option_lookup("mem", &takes_arg), 0);
	assert_true(takes_arg);
	assert_int_equal(cli_option_lookup("stats", &takes_arg), 0);
	assert_false(takes_arg);
	assert_int_equal(cli_option_lookup("config", &takes_arg), 0);
	assert_true(takes_arg);
	assert_int_equal(cli_option_lookup("me", &takes_arg), -ENOENT);
	assert_int_equal(cli_option_lookup("--mem", &takes_arg), -ENOENT);
	assert_int_equal(cli_option_lookup("", &takes_arg), -ENOENT);
}

static void test_help_and_version(void **state UNUSED)
{
	static const char *const documented[] = {
	    "--kernel",
	    "--initrd",
	    "--cmdline",
	    "--mem",
	    "--cpus",
	    "--console",
	    "--reboot",
	    "--hugepages",
	    "--stats",
	    "--verbose",
	    "--help",
	    "--version",
	    "--vf BDF[,key=val]",
	    "slot=N",
	    "mac=",
	    "vlan=",
	    "managed=on",
	    "--vf-from-env",
	    "/run/tinyvmm",
	    "vf restore",
	    "vf list",
	    "vf create",
	    "tinyvmm check",
	    "0000:00:SS.0",
	    "command-line order",
	    "vfio-pci",
	    "Ctrl-A x",
	    "64",
	    "65",
	    "66",
	    "128+N",
	    "example",
	    "--dump-dtb FILE",
	    "x86_64 Linux kernel",		  /* tinyvmm_arch() */
	    "outb(STATUS, 0x501)",		  /* tinyvmm_arch()->guest_exit */
	    "--kernel bzImage|vmlinux [options]", /* tinyvmm_arch()->kernel_arg */
	};
	struct cli c;

	assert_int_equal(parse(&c, "--help", NULL), 1);
	for (size_t i = 0; i < ARRAY_SIZE(documented); i++)
		if (!strstr(out, documented[i]))
			fail_msg("--help does not mention %s", documented[i]);
	assert_string_equal(err, "");
	/* Help wins over anything else given. */
	assert_int_equal(parse(&c, "--kernel", kernel, "-h", NULL), 1);
	assert_int_equal(parse(&c, "-V", NULL), 1);
	assert_non_null(strstr(out, "tinyvmm "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_everything),
	    cmocka_unit_test(test_mem_sizes),
	    cmocka_unit_test(test_mem_bad),
	    cmocka_unit_test(test_cpus),
	    cmocka_unit_test(test_kernel_required),
	    cmocka_unit_test(test_bad_options),
	    cmocka_unit_test(test_help_and_version),
	    cmocka_unit_test(test_vf),
	    cmocka_unit_test(test_vf_bad),
	    cmocka_unit_test(test_vf_from_env),
	    cmocka_unit_test(test_ci_options),
	    cmocka_unit_test(test_ci_options_bad),
	    cmocka_unit_test(test_config_file),
	    cmocka_unit_test(test_option_lookup),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
