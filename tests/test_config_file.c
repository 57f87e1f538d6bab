// SPDX-License-Identifier: MIT
/* test_config_file.c - --config FILE: JSON applied option by option, and every refusal. */
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

/* What the fake apply callback got, as option words ("--mem=512", "--stats"). */
static char *words[64];
static int nr_words;
static int apply_fails_at = -1; /* the call that returns an error, or -1 */

static void words_clear(void)
{
	for (int i = 0; i < nr_words; i++)
		free(words[i]);
	nr_words = 0;
}

/* A stand-in for cli_apply(): records each option as a word. */
static int fake_apply(void *opaque, const char *name, const char *value)
{
	char *w;

	assert_ptr_equal(opaque, &nr_words);
	if (nr_words == apply_fails_at)
		return -(EINVAL | 0x10000);
	assert_true(nr_words < (int)(sizeof(words) / sizeof(words[0])));
	assert_true(value ? asprintf(&w, "--%s=%s", name, value) > 0
			  : asprintf(&w, "--%s", name) > 0);
	words[nr_words++] = w;
	return 0;
}

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
	words_clear();
	unlink(file);
	rmdir(dir);
	return 0;
}

/* Apply text (or, with load, a file holding it), capturing stderr into err. */
static int run(const char *text, bool load)
{
	FILE *ferr = tmpfile();
	struct json *root = NULL;
	int r, saved;
	size_t n;

	words_clear();
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
		r = config_file_load(file, fake_lookup, fake_apply, &nr_words, &root);
	else
		r = config_file_apply(root, "vm.json", fake_lookup, fake_apply, &nr_words);
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

/* The options applied from text are want (a NULL-terminated list), in order. */
static void expect_words(const char *text, const char *const *want)
{
	int n = 0;

	assert_int_equal(run(text, false), 0);
	assert_string_equal(err, "");
	for (; want[n]; n++) {
		assert_true(n < nr_words);
		assert_string_equal(words[n], want[n]);
	}
	assert_int_equal(nr_words, n);
	words_clear();
}

/* A user error with one line naming the file and saying needle. */
static void expect_fail(const char *text, bool load, const char *needle)
{
	int r = run(text, load);

	assert_true(r < 0 && (-r & 0x10000));
	assert_int_equal(-r & 0xffff, r == -(EFBIG | 0x10000) ? EFBIG : EINVAL);
	if (!strstr(err, needle))
		fail_msg("\"%s\": stderr \"%s\" lacks \"%s\"", text, err, needle);
	assert_non_null(strstr(err, load ? "config /tmp/test_config_file." : "config vm.json: "));
	assert_non_null(strchr(err, '\n'));
	assert_string_equal(strchr(err, '\n') + 1, "");
	words_clear();
}

/* config_file_load() of a path that is not written first. */
static void load_fail(const char *path, const char *needle)
{
	FILE *ferr = tmpfile();
	struct json *doc = (struct json *)1;
	int saved, r;
	size_t n;

	assert_non_null(ferr);
	fflush(stderr);
	saved = dup(2);
	dup2(fileno(ferr), 2);
	r = config_file_load(path, fake_lookup, fake_apply, &nr_words, &doc);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(ferr);
	n = fread(err, 1, sizeof(err) - 1, ferr);
	err[n] = '\0';
	fclose(ferr);
	assert_true(r < 0 && (-r & 0x10000));
	assert_null(doc);
	assert_int_equal(nr_words, 0);
	if (!strstr(err, needle))
		fail_msg("stderr \"%s\" lacks \"%s\"", err, needle);
	assert_string_equal(strchr(err, '\n') + 1, "");
}

static void test_every_type(void **state UNUSED)
{
	int r;

	expect_words("{\"kernel\": \"bz Image\", \"mem\": 512, \"cpus\": 2, \"timeout\": 0.5,"
		     " \"cmdline\": \"a b=c\", \"stats\": true, \"hugepages\": false, \"vf\": [],"
		     " \"vf-from-env\": \"\"}",
		     (const char *const[]){"--kernel=bz Image", "--mem=512", "--cpus=2",
					   "--timeout=0.5", "--cmdline=a b=c", "--stats",
					   "--vf-from-env=", NULL});
	/* The first error from the apply callback stops the rest. */
	apply_fails_at = 1;
	r = run("{\"mem\": 512, \"stats\": true, \"cpus\": 2}", false);
	apply_fails_at = -1;
	assert_int_equal(r, -(EINVAL | 0x10000));
	assert_int_equal(nr_words, 1);
	words_clear();
}

static void test_numbers(void **state UNUSED)
{
	expect_words("{\"timeout\": 0.1, \"mem\": 1e3, \"cpus\": -1, \"kernel\": 1e21,"
		     " \"cmdline\": 0.3333333333333333, \"vf-from-env\": 2.5e-7}",
		     (const char *const[]){"--timeout=0.1", "--mem=1000", "--cpus=-1",
					   "--kernel=1e+21", "--cmdline=0.3333333333333333",
					   "--vf-from-env=2.5e-07", NULL});
	/* Past 2^53, still the value the text denoted (as a double holds it). */
	expect_words("{\"mem\": 9007199254740993, \"cpus\": 1.0, \"timeout\": 12345.678}",
		     (const char *const[]){"--mem=9007199254740992", "--cpus=1",
					   "--timeout=12345.678", NULL});
}

static void test_vf(void **state UNUSED)
{
	expect_words("{\"vf\": [\"0000:01:10.0,slot=3\", {\"bdf\": \"01:10.2\", \"slot\": 5,"
		     " \"managed\": false, \"trust\": true, \"mac\": \"02:00:00:00:00:01\"},"
		     " {\"mac\": \"x\", \"bdf\": \"01:10.4\"}], \"stats\": true}",
		     (const char *const[]){"--vf=0000:01:10.0,slot=3",
					   "--vf=01:10.2,slot=5,managed=off,trust=on,mac=02:00:00:"
					   "00:00:01",
					   "--vf=01:10.4,mac=x", "--stats", NULL});
	expect_words("{\"vf\": []}", (const char *const[]){NULL});
}

static void test_empty_object(void **state UNUSED)
{
	expect_words("{}", (const char *const[]){NULL});
	expect_words(" { } ", (const char *const[]){NULL});
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
	    /* a key's control characters come out escaped: one line, no
	     * terminal escape sequence */
	    {"{\"\\u001b[2Jx\\n\": 1}", "unknown key \"\\u001b[2Jx\\n\""},
	    {"{\"vf\": [{\"bdf\": \"01:10.0\", \"a\\u0007=\": 1}]}",
	     "item 0: \"a\\u0007=\": keys must be"},
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
		expect_fail(bad[i].text, false, bad[i].needle);
	/* The first bad key is the one reported. */
	expect_fail("{\"mem\": 1, \"zzz\": 1, \"stats\": 3}", false, "unknown key \"zzz\"");
}

static void test_load(void **state UNUSED)
{
	char *big;

	assert_int_equal(run("{\n  \"mem\": \"1G\",\n  \"stats\": true\n}\n", true), 0);
	assert_string_equal(err, "");
	assert_int_equal(nr_words, 2);
	assert_string_equal(words[0], "--mem=1G");
	assert_string_equal(words[1], "--stats");
	words_clear();
	expect_fail("{\n  \"mem\": 512,\n  \"cpus\" 2\n}\n", true,
		    "vm.json: line 3 column 10: expected ':' after object key, got '2'");
	expect_fail("{\"mem\": 512,}", true, "vm.json: line 1 column 13: trailing comma");
	expect_fail("", true, "vm.json: line 1 column 1: expected a value, got end of input");
	expect_fail("{\"mem\": 1, \"mem\": 2}", true, "duplicate key \"mem\"");
	expect_fail("{\"bogus\": 1}", true, "vm.json: unknown key \"bogus\"");
	expect_fail("\xef\xbb\xbf{\"mem\": 512}", true,
		    "vm.json: starts with a UTF-8 byte-order mark, which JSON does not take; "
		    "save the file as UTF-8 without a BOM");
	big = malloc(JSON_MAX_TEXT + 2);
	assert_non_null(big);
	memset(big, ' ', JSON_MAX_TEXT + 1);
	big[0] = '{';
	big[JSON_MAX_TEXT] = '}';
	big[JSON_MAX_TEXT + 1] = '\0';
	expect_fail(big, true, "vm.json: larger than 1048576 bytes");
	big[JSON_MAX_TEXT - 1] = '}';
	big[JSON_MAX_TEXT] = '\0';
	assert_int_equal(run(big, true), 0);
	assert_int_equal(nr_words, 0);
	free(big);
	/* A missing file and a directory: one line each, nothing applied. */
	unlink(file);
	load_fail(file, "vm.json: No such file or directory");
	load_fail(dir, ": not a regular file; save the JSON to a file and give its path");
	load_fail("", "--config: empty file name; give the path of a JSON file");
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
