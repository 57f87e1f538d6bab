// SPDX-License-Identifier: MIT
/* test_config_file.c - --config FILE: JSON into option words, and every refusal. */
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

#include "vmm/cmd/config_file.h"
#include "vmm/base/util.h"

static char dir[64], file[128];
static char err[4096]; /* what the last call printed on stderr */

/* A stand-in for cli_option_lookup(). */
static int fake_lookup(const char *name, bool *takes_arg)
{
	static const struct {
		const char *name;
		bool arg;
	} opts[] = {
	    {"kernel", true},	  {"mem", true},    {"cpus", true},	   {"cmdline", true},
	    {"timeout", true},	  {"vf", true},	    {"vf-from-env", true}, {"stats", false},
	    {"hugepages", false}, {"config", true}, {"help", false},	   {"version", false},
	};

	for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
		if (strcmp(opts[i].name, name) == 0) {
			*takes_arg = opts[i].arg;
			return 0;
		}
	}
	return -ENOENT;
}

static const char *const skip_vf[] = {"vf", "vf-from-env", NULL};

static int setup(void **state UNUSED)
{
	strcpy(dir, "/tmp/test_config_file.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(file, sizeof(file), "%s/vm.json", dir);
	return 0;
}

static int teardown(void **state UNUSED)
{
	unlink(file);
	rmdir(dir);
	return 0;
}

/*
 * Build from text (or, with load, from a file holding it) with argv
 * {"tinyvmm", args...} (args NULL-terminated, or NULL), capturing stderr into err.
 */
static int run(const char *text, bool load, const char *const *skip, char ***out, int *out_argc,
	       const char *const *args)
{
	char *argv[16] = {(char *)"tinyvmm"};
	int argc = 1, r, saved;
	FILE *ferr = tmpfile();
	struct json *root = NULL;
	size_t n;

	for (; args && *args; args++)
		argv[argc++] = (char *)*args;
	assert_non_null(ferr);
	if (load) {
		FILE *f = fopen(file, "w");

		assert_non_null(f);
		assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
		fclose(f);
	} else {
		assert_int_equal(json_parse(text, strlen(text), &root, NULL, 0), 0);
	}
	fflush(stderr);
	saved = dup(2);
	dup2(fileno(ferr), 2);
	if (load)
		r = config_file_load(file, fake_lookup, skip, argc, argv, out, out_argc);
	else
		r = config_file_build(root, "vm.json", fake_lookup, skip, argc, argv, out,
				      out_argc);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(ferr);
	n = fread(err, 1, sizeof(err) - 1, ferr);
	err[n] = '\0';
	fclose(ferr);
	json_free(root);
	return r;
}

/* The words built from text match want (a NULL-terminated list after argv[0]). */
static void expect_words(const char *text, const char *const *skip, const char *const *want,
			 const char *const *args)
{
	char **out;
	int argc, n = 0, nargs = 0;

	assert_int_equal(run(text, false, skip, &out, &argc, args), 0);
	assert_string_equal(err, "");
	assert_string_equal(out[0], "tinyvmm");
	for (; want[n]; n++) {
		assert_true(n + 1 < argc);
		assert_string_equal(out[n + 1], want[n]);
	}
	for (; args && args[nargs]; nargs++)
		assert_ptr_equal(out[n + 1 + nargs], args[nargs]);
	assert_int_equal(argc, n + 1 + nargs);
	assert_null(out[argc]);
	free(out);
}

/* Fails with -EINVAL, one line naming the file and saying needle, nothing built. */
static void expect_fail(const char *text, bool load, const char *const *skip, const char *needle)
{
	char **out = (char **)1;
	int argc = 7;

	assert_int_equal(run(text, load, skip, &out, &argc, NULL), -EINVAL);
	assert_null(out);
	assert_int_equal(argc, 0);
	if (!strstr(err, needle))
		fail_msg("\"%s\": stderr \"%s\" lacks \"%s\"", text, err, needle);
	assert_non_null(strstr(err, load ? "config /tmp/test_config_file." : "config vm.json: "));
	assert_non_null(strchr(err, '\n'));
	assert_string_equal(strchr(err, '\n') + 1, "");
}

/* config_file_load() of a path that is not written first. */
static void load_fail(const char *path, const char *needle)
{
	FILE *ferr = tmpfile();
	char **out = (char **)1;
	int argc = 7, saved;
	size_t n;

	assert_non_null(ferr);
	fflush(stderr);
	saved = dup(2);
	dup2(fileno(ferr), 2);
	assert_int_equal(config_file_load(path, fake_lookup, NULL, 0, NULL, &out, &argc), -EINVAL);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(ferr);
	n = fread(err, 1, sizeof(err) - 1, ferr);
	err[n] = '\0';
	fclose(ferr);
	assert_null(out);
	assert_int_equal(argc, 0);
	if (!strstr(err, needle))
		fail_msg("stderr \"%s\" lacks \"%s\"", err, needle);
	assert_string_equal(strchr(err, '\n') + 1, "");
}

static void test_every_type(void **state UNUSED)
{
	char **out;
	int argc;

	expect_words("{\"kernel\": \"bz Image\", \"mem\": 512, \"cpus\": 2, \"timeout\": 0.5,"
		     " \"cmdline\": \"a b=c\", \"stats\": true, \"hugepages\": false, \"vf\": [],"
		     " \"vf-from-env\": \"\"}",
		     NULL,
		     (const char *const[]){"--kernel=bz Image", "--mem=512", "--cpus=2",
					   "--timeout=0.5", "--cmdline=a b=c", "--stats",
					   "--vf-from-env=", NULL},
		     NULL);
	/* The command line comes after the file, untouched and in order. */
	assert_int_equal(run("{\"mem\": 512, \"stats\": true}", false, NULL, &out, &argc,
			     (const char *const[]){"--mem", "2G", "--cpus", "3", NULL}),
			 0);
	assert_int_equal(argc, 7);
	assert_string_equal(out[1], "--mem=512");
	assert_string_equal(out[2], "--stats");
	assert_string_equal(out[3], "--mem");
	assert_string_equal(out[4], "2G");
	assert_string_equal(out[6], "3");
	assert_null(out[7]);
	free(out);
}

static void test_numbers(void **state UNUSED)
{
	expect_words("{\"timeout\": 0.1, \"mem\": 1e3, \"cpus\": -1, \"kernel\": 1e21,"
		     " \"cmdline\": 0.3333333333333333, \"vf-from-env\": 2.5e-7}",
		     NULL,
		     (const char *const[]){"--timeout=0.1", "--mem=1000", "--cpus=-1",
					   "--kernel=1e+21", "--cmdline=0.3333333333333333",
					   "--vf-from-env=2.5e-07", NULL},
		     NULL);
	/* Past 2^53, still the value the text denoted (as a double holds it). */
	expect_words("{\"mem\": 9007199254740993, \"cpus\": 1.0, \"timeout\": 12345.678}", NULL,
		     (const char *const[]){"--mem=9007199254740992", "--cpus=1",
					   "--timeout=12345.678", NULL},
		     NULL);
}

static void test_vf(void **state UNUSED)
{
	expect_words("{\"vf\": [\"0000:01:10.0,slot=3\", {\"bdf\": \"01:10.2\", \"slot\": 5,"
		     " \"managed\": false, \"trust\": true, \"mac\": \"02:00:00:00:00:01\"},"
		     " {\"mac\": \"x\", \"bdf\": \"01:10.4\"}], \"stats\": true}",
		     NULL,
		     (const char *const[]){"--vf=0000:01:10.0,slot=3",
					   "--vf=01:10.2,slot=5,managed=off,trust=on,mac=02:00:00:"
					   "00:00:01",
					   "--vf=01:10.4,mac=x", "--stats", NULL},
		     NULL);
	expect_words("{\"vf\": []}", NULL, (const char *const[]){NULL}, NULL);
	/* A command line with --vf drops the file's VFs (cli.c passes the skip list). */
	expect_words("{\"cpus\": 2, \"vf\": [\"01:10.0\"], \"vf-from-env\": \"X\", \"mem\": 64}",
		     skip_vf, (const char *const[]){"--cpus=2", "--mem=64", NULL},
		     (const char *const[]){"--vf", "01:10.1", NULL});
}

static void test_empty_object(void **state UNUSED)
{
	expect_words("{}", NULL, (const char *const[]){NULL}, NULL);
	expect_words(" { } ", NULL, (const char *const[]){NULL},
		     (const char *const[]){"--stats", NULL});
}

static void test_refusals(void **state UNUSED)
{
	static const struct {
		const char *text, *needle;
	} bad[] = {
	    {"{\"foo\": 1}", "unknown key \"foo\" (see tinyvmm --help for the option names)"},
	    {"{\"mem\": 512, \"Mem\": 1}", "unknown key \"Mem\""},
	    {"{\"me\": 512}", "unknown key \"me\""},
	    {"{\"--mem\": 512}", "unknown key \"--mem\""},
	    {"{\"config\": \"x.json\"}", "key \"config\" is not allowed in a config file"},
	    {"{\"help\": true}", "key \"help\" is not allowed"},
	    {"{\"version\": false}", "key \"version\" is not allowed"},
	    {"{\"mem\": [512]}", "key \"mem\": expected a string or number, got array"},
	    {"{\"mem\": true}", "key \"mem\": expected a string or number, got boolean"},
	    {"{\"mem\": null}", "key \"mem\": expected a string or number, got null"},
	    {"{\"kernel\": {}}", "key \"kernel\": expected a string or number, got object"},
	    {"{\"stats\": \"yes\"}", "key \"stats\": expected true or false, got string"},
	    {"{\"stats\": 1}", "key \"stats\": expected true or false, got number"},
	    {"{\"hugepages\": null}", "key \"hugepages\": expected true or false, got null"},
	    {"{\"vf\": \"01:10.0\"}",
	     "key \"vf\": expected an array of --vf strings or objects, got string"},
	    {"{\"vf\": {\"bdf\": \"01:10.0\"}}", "key \"vf\": expected an array"},
	    {"{\"vf\": [\"01:10.0\", 1]}",
	     "key \"vf\" item 1: expected a string or an object, got number"},
	    {"{\"vf\": [[\"01:10.0\"]]}", "key \"vf\" item 0: expected a string or an object"},
	    {"{\"vf\": [{\"slot\": 1}]}", "key \"vf\" item 0: needs \"bdf\""},
	    {"{\"vf\": [{\"bdf\": 1}]}", "key \"vf\" item 0: needs \"bdf\""},
	    {"{\"vf\": [{\"bdf\": \"01:10.0\", \"slot\": 1.5}]}",
	     "key \"vf\" item 0: \"slot\": expected a string, an integer or true/false, got a "
	     "fraction"},
	    {"{\"vf\": [{\"bdf\": \"01:10.0\", \"o\": {}}]}",
	     "\"o\": expected a string, an integer"},
	    {"{\"vf\": [{\"bdf\": \"01:10.0\", \"o\": null}]}", "got null"},
	    {"{\"vf\": [{\"bdf\": \"01:10.0\", \"a,b\": 1}]}", "\"a,b\": keys must be non-empty"},
	    {"{\"vf\": [{\"bdf\": \"01:10.0\", \"a=b\": 1}]}", "\"a=b\": keys must be"},
	    {"{\"vf\": [{\"bdf\": \"01:10.0\", \"\": 1}]}", "\"\": keys must be"},
	    {"{\"vf\": [{\"bdf\": \"01:10.0\", \"mac\": \"a,slot=1\"}]}", "values without ','"},
	    {"[\"--mem=512\"]", "expected a JSON object of option names and values, got array"},
	    {"\"mem\"", "expected a JSON object of option names and values, got string"},
	    {"null", "got null"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		expect_fail(bad[i].text, false, NULL, bad[i].needle);
	/* Skipped keys are still checked. */
	expect_fail("{\"vf\": \"01:10.0\"}", false, skip_vf, "key \"vf\": expected an array");
	expect_fail("{\"vf-from-env\": true}", false, skip_vf,
		    "key \"vf-from-env\": expected a string or number, got boolean");
	/* The first bad key is the one reported. */
	expect_fail("{\"mem\": 1, \"zzz\": 1, \"stats\": 3}", false, NULL, "unknown key \"zzz\"");
}

static void test_load(void **state UNUSED)
{
	char **out;
	int argc;
	char *big;

	assert_int_equal(run("{\n  \"mem\": \"1G\",\n  \"stats\": true\n}\n", true, NULL, &out,
			     &argc, (const char *const[]){"-v", NULL}),
			 0);
	assert_string_equal(err, "");
	assert_int_equal(argc, 4);
	assert_string_equal(out[1], "--mem=1G");
	assert_string_equal(out[2], "--stats");
	assert_string_equal(out[3], "-v");
	free(out);
	expect_fail("{\n  \"mem\": 512,\n  \"cpus\" 2\n}\n", true, NULL,
		    "vm.json: line 3 column 10: expected ':' after object key, got '2'");
	expect_fail("{\"mem\": 512,}", true, NULL, "vm.json: line 1 column 13: trailing comma");
	expect_fail("", true, NULL, "vm.json: line 1 column 1: expected a value, got end of input");
	expect_fail("{\"mem\": 1, \"mem\": 2}", true, NULL, "duplicate key \"mem\"");
	expect_fail("{\"bogus\": 1}", true, NULL, "vm.json: unknown key \"bogus\"");
	big = malloc(JSON_MAX_TEXT + 2);
	assert_non_null(big);
	memset(big, ' ', JSON_MAX_TEXT + 1);
	big[0] = '{';
	big[JSON_MAX_TEXT] = '}';
	big[JSON_MAX_TEXT + 1] = '\0';
	expect_fail(big, true, NULL, "vm.json: larger than 1048576 bytes");
	big[JSON_MAX_TEXT - 1] = '}';
	big[JSON_MAX_TEXT] = '\0';
	assert_int_equal(run(big, true, NULL, &out, &argc, NULL), 0);
	assert_int_equal(argc, 1);
	free(out);
	free(big);
	/* A missing file and a directory: one line each, nothing built. */
	unlink(file);
	load_fail(file, "vm.json: No such file or directory");
	load_fail(dir, ": not a regular file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_type), cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_vf),	       cmocka_unit_test(test_empty_object),
	    cmocka_unit_test(test_refusals),   cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
