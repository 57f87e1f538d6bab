// SPDX-License-Identifier: MIT
/* test_jsonl_check.c - build/tools/jsonl-check on small event logs: what passes, what fails. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmm/base/util.h"

#define TOOL "build/tools/jsonl-check"

static char dir[64], log_path[128], out_path[128];
static char out[8192];

static const char good_log[] =
    "{\"ts\": 0.000100, \"event\": \"vmm-start\"}\n"
    "{\"ts\": 0.010000, \"event\": \"kvm-ready\"}\n"
    "{\"ts\": 0.020000, \"event\": \"guest-entry\"}\n"
    "{\"ts\": 0.020000, \"event\": \"guest-entry\"}\n"
    "{\"ts\": 0.030000, \"event\": \"guest-exit\", \"code\": 3, \"why\": \"poweroff\", "
    "\"ok\": true, \"f\": 1.5}\n"
    "{\"ts\": 0.040000, \"event\": \"vmm-exit\", \"status\": -1}\n";

static int setup(void **state UNUSED)
{
	strcpy(dir, "/tmp/test_jsonl_check.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(log_path, sizeof(log_path), "%s/events.jsonl", dir);
	snprintf(out_path, sizeof(out_path), "%s/out", dir);
	if (access(TOOL, X_OK) < 0) {
		fprintf(stderr, "%s: not built; run make\n", TOOL);
		return -1;
	}
	return 0;
}

static int teardown(void **state UNUSED)
{
	unlink(log_path);
	unlink(out_path);
	rmdir(dir);
	return 0;
}

static void write_log(const char *text)
{
	FILE *f = fopen(log_path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	fclose(f);
}

/* Run the tool with the given options and the log file; stdout+stderr into out. */
static int run(const char *opt, ...)
{
	char *argv[16];
	int argc = 0, status, fd;
	va_list ap;
	ssize_t n;
	pid_t pid;

	argv[argc++] = (char *)TOOL;
	va_start(ap, opt);
	for (const char *a = opt; a; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc++] = log_path;
	argv[argc] = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(127);
		execv(TOOL, argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	fd = open(out_path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, out, sizeof(out) - 1);
	close(fd);
	assert_true(n >= 0);
	out[n] = '\0';
	return WEXITSTATUS(status);
}

#define assert_out(needle)                                                                         \
	do {                                                                                       \
		if (!strstr(out, (needle)))                                                        \
			fail_msg("output \"%s\" lacks \"%s\"", out, (needle));                     \
	} while (0)

static void test_good_log(void **state UNUSED)
{
	write_log(good_log);
	assert_int_equal(run(NULL), 0);
	assert_string_equal(out, "jsonl-check: 6 lines ok\n");
	assert_int_equal(run("--require-order", "vmm-start,guest-entry,guest-exit,vmm-exit",
			     "--field", "guest-exit.code=3", "--field", "guest-exit.why=poweroff",
			     "--field", "guest-exit.ok=true", "--field", "guest-exit.f=1.5",
			     "--field=vmm-exit.status=-1", NULL),
			 0);
	assert_string_equal(out, "jsonl-check: 6 lines ok\n");
}

static void test_failed_checks(void **state UNUSED)
{
	write_log(good_log);
	assert_int_equal(run("--require-order", "guest-entry,kvm-ready", NULL), 1);
	assert_out("events.jsonl: no \"kvm-ready\" event after \"guest-entry\" (line 3)\n");
	assert_out("jsonl-check: 1 problem(s) in 6 lines\n");
	assert_int_equal(run("--require-order", "panic", NULL), 1);
	assert_out("no \"panic\" event\n");
	assert_int_equal(run("--field", "guest-exit.code=0", NULL), 1);
	assert_out("events.jsonl:5: guest-exit: code is \"3\", expected \"0\"\n");
	assert_int_equal(run("--field", "guest-exit.missing=0", NULL), 1);
	assert_out("events.jsonl:5: guest-exit: no member \"missing\"\n");
	/* A check on an event that never happens fails: it cannot pass vacuously. */
	assert_int_equal(run("--field", "stats.exits=1", NULL), 1);
	assert_out("no \"stats\" event to check exits=1\n");
}

static void test_bad_lines(void **state UNUSED)
{
	write_log("{\"ts\": 1, \"event\": \"a\"}\n"
		  "{\"ts\": 0.5, \"event\": \"b\"}\n"
		  "[1]\n"
		  "{\"ts\": \"1\", \"event\": \"c\"}\n"
		  "{\"ts\": 2}\n"
		  "{\"ts\": 3, \"event\": \"d\",}\n"
		  "\n"
		  "{\"ts\": 4, \"event\": \"e\"}");
	assert_int_equal(run(NULL), 1);
	assert_out(":2: ts 0.500000 is before the previous 1.000000\n");
	assert_out(":3: not an object: got array\n");
	assert_out(":4: no number \"ts\"\n");
	assert_out(":5: no string \"event\"\n");
	assert_out(":6: line 1 column 24: trailing comma before '}'\n");
	assert_out(":7: line 1 column 1: expected a value, got end of input\n");
	assert_out("jsonl-check: 6 problem(s) in 8 lines\n");
	write_log("");
	assert_int_equal(run(NULL), 1);
	assert_out("empty; expected JSON lines");
}

static void test_usage(void **state UNUSED)
{
	write_log(good_log);
	assert_int_equal(run("--field", "nodot", NULL), 2);
	assert_out("give EVENT.KEY=VALUE");
	assert_int_equal(run("--field", "ev.=1", NULL), 2);
	assert_int_equal(run("--bogus", NULL), 2);
	assert_int_equal(run("extra-file", NULL), 2);
	assert_out("give exactly one FILE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good_log),
	    cmocka_unit_test(test_failed_checks),
	    cmocka_unit_test(test_bad_lines),
	    cmocka_unit_test(test_usage),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
