// SPDX-License-Identifier: MIT
/* cli.c - command line parsing; see cli.h. */
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/cmd/cli.h"
#include "vmm/cmd/config_file.h"
#include "vmm/base/exitcode.h"
#include "arch/layout.h"
#include "vmm/base/log.h"
#include "vmm/pci/vfio.h"


enum opt_id {
	OPT_KERNEL = 'k',
	OPT_INITRD = 'i',
	OPT_CMDLINE = 'c',
	OPT_MEM = 'm',
	OPT_CPUS = 'n',
	OPT_VERBOSE = 'v',
	OPT_HELP = 'h',
	OPT_VERSION = 'V',
	/* long-only options */
	OPT_CONSOLE = 0x100,
	OPT_REBOOT,
	OPT_HUGEPAGES,
	OPT_STATS,
	OPT_VF,
	OPT_VF_FROM_ENV,
	OPT_TIMEOUT,
	OPT_EXPECT,
	OPT_CONSOLE_LOG,
	OPT_CONSOLE_LOG_TS,
	OPT_EVENTS,
	OPT_API_SOCKET,
	OPT_CONFIG,
};

struct cli_opt {
	const char *name;
	int has_arg;
	int id;
	bool has_short; /* id is also the short option letter */
	const char *arg;
	const char *help;
};

/* The single source of truth: getopt's tables and --help come from here. */
static const struct cli_opt cli_opts[] = {
    {"kernel", required_argument, OPT_KERNEL, false, "FILE", "Linux bzImage, or uncompressed vmlinux (ELF), to boot (required)"},
    {"initrd", required_argument, OPT_INITRD, false, "FILE",
     "initial ramdisk, placed at the top of low RAM"},
    {"cmdline", required_argument, OPT_CMDLINE, false, "STR",
     "kernel command line (default \"" CLI_DEFAULT_CMDLINE "\")"},
    {"mem", required_argument, OPT_MEM, false, "SIZE",
     "guest RAM; MiB unless suffixed K/M/G/T (default 256, min 16M, max 511G)"},
    {"cpus", required_argument, OPT_CPUS, false, "N",
     "number of vCPUs, 1..255 (default 1; KVM's own limit also applies)"},
    {"console", required_argument, OPT_CONSOLE, false, "FILE",
     "append guest serial output to FILE instead of stdout; no input"},
    {"reboot", required_argument, OPT_REBOOT, false, "exit|restart",
     "on a guest reboot: exit with status 0 (default) or boot again"},
    {"vf", required_argument, OPT_VF, false, "BDF[,key=val]",
     "pass host PCI function BDF to the guest; up to 16 times (keys below)"},
    {"vf-from-env", required_argument, OPT_VF_FROM_ENV, false, "VAR",
     "add --vf for each BDF in $VAR (comma-separated; the SR-IOV device plugin's "
     "PCIDEVICE_*)"},
    {"hugepages", no_argument, OPT_HUGEPAGES, false, NULL,
     "back guest RAM with 2 MiB huge pages (see /proc/sys/vm/nr_hugepages)"},
    {"stats", no_argument, OPT_STATS, false, NULL,
     "print VM exit and device access counters to stderr at exit"},
    {"timeout", required_argument, OPT_TIMEOUT, false, "SECS",
     "stop the guest after SECS seconds of wall time (may be fractional): status 67"},
    {"expect", required_argument, OPT_EXPECT, false, "REGEX",
     "exit 0 once a console line matches REGEX (POSIX extended); 68 if the guest ends first"},
    {"console-log", required_argument, OPT_CONSOLE_LOG, false, "FILE",
     "also append guest console output to FILE"},
    {"console-log-timestamps", no_argument, OPT_CONSOLE_LOG_TS, false, NULL,
     "prefix each --console-log line with \"[seconds since start] \""},
    {"events", required_argument, OPT_EVENTS, false, "FILE|fd:N",
     "write JSON lines events (start, guest entry, exit, stats) to FILE or fd N"},
    {"api-socket", required_argument, OPT_API_SOCKET, false, "PATH",
     "serve the control API on Unix socket PATH (0600); see tinyvmm ctl"},
    {"config", required_argument, OPT_CONFIG, false, "FILE",
     "options from JSON FILE, keyed by long option name; flags override; paths relative to cwd"},
    {"verbose", no_argument, OPT_VERBOSE, true, NULL, "log boot milestones (debug level)"},
    {"help", no_argument, OPT_HELP, true, NULL, "print this help and exit"},
    {"version", no_argument, OPT_VERSION, true, NULL, "print the version and exit"},
};
#define NR_OPTS ARRAY_SIZE(cli_opts)

_Static_assert(GUEST_MAX_RAM == 511 * GiB, "update the --mem help text");

void cli_usage(FILE *f)
{
	fprintf(f, "usage: tinyvmm --kernel bzImage|vmlinux [options]\n\n"
		   "Boot an unmodified x86_64 Linux kernel in a KVM virtual machine.\n"
		   "The guest's first serial port (ttyS0) is the console on stdin/stdout.\n\n"
		   "options:\n");
	for (size_t i = 0; i < NR_OPTS; i++) {
		const struct cli_opt *o = &cli_opts[i];
		char left[64];

		snprintf(left, sizeof(left), "%c%c%c --%s%s%s", o->has_short ? '-' : ' ',
			 o->has_short ? o->id : ' ', o->has_short ? ',' : ' ', o->name,
			 o->arg ? (o->id == OPT_REBOOT ? "=" : " ") : "", o->arg ? o->arg : "");
		fprintf(f, "  %-26s %s\n", left, o->help);
	}
	fprintf(f, "\nVF passthrough: --vf BDF[,slot=N][,mac=MAC][,vlan=N[,qos=N]][,spoofchk=on|off]\n"
		   "[,trust=on|off][,managed=on|off]. Each VF appears in the guest at 0000:00:SS.0.\n"
		   "Slots are stable: slot=N pins SS to N (1-31); the others take the lowest\n"
		   "free slots from 1 in command-line order, whatever their host addresses.\n"
		   "managed=on (default) binds the VF to vfio-pci at start and gives it back to\n"
		   "its driver on every exit (a crash record in /run/tinyvmm lets `tinyvmm vf\n"
		   "restore` finish after a SIGKILL); managed=off needs it on vfio-pci already.\n"
		   "mac=, vlan= (0-4094), qos=, spoofchk=, trust= are set through the PF over\n"
		   "rtnetlink before the guest starts and put back when the VM ends. A VF is\n"
		   "used by one tinyvmm at a time. The host needs its IOMMU on, and every other\n"
		   "device of the VF's IOMMU group on vfio-pci.\n"
		   "\nsubcommands (tinyvmm vf --help, tinyvmm check --help):\n"
		   "  tinyvmm vf list [--json]     SR-IOV PFs and VFs: names, drivers, groups, MAC/VLAN\n"
		   "  tinyvmm vf create PF N       create N VFs on PF (a BDF or a netdev name)\n"
		   "  tinyvmm vf destroy PF        remove PF's VFs\n"
		   "  tinyvmm vf restore [BDF]     give back VFs a killed tinyvmm left behind\n"
		   "  tinyvmm check [--vf BDF]... [--mem SIZE]   preflight: OK/FAIL per item\n"
		   "  tinyvmm ctl PATH OP [JSON] | --raw   talk to a VM's --api-socket\n");
	fprintf(f, "\nconsole: when stdin is a terminal it is put in raw mode; Ctrl-A x quits\n"
		   "(status 130, like SIGINT), Ctrl-A Ctrl-A sends a literal Ctrl-A.\n\n"
		   "exit status:\n");
	for (size_t i = 0; i < EXIT_KINDS; i++) {
		char code[16];

		snprintf(code, sizeof(code),
			 exit_code_names[i].code == EXIT_SIGNAL_BASE ? "%d+N" : "%d",
			 exit_code_names[i].code);
		fprintf(f, "  %6s  %s\n", code, exit_code_names[i].meaning);
	}
	fprintf(f, "  %6s  %s\n", "0-255",
		"the byte the guest wrote to the debug exit port 0x501 (guests: use 0-63)");
	fprintf(f, "\nCI boot-test mode: --timeout, --expect, --console-log and --events give\n"
		   "a pass/fail status and machine-readable logs. --expect matches each complete\n"
		   "console line (\\r dropped; lines over 4 KiB are matched in 4 KiB chunks).\n"
		   "A guest may end the run with a status of its own: outb(STATUS, 0x501).\n");
	fprintf(f, "\nexample:\n"
		   "  tinyvmm --mem 512 --cpus 2 --kernel bzImage --initrd initramfs.cpio.gz \\\n"
		   "          --cmdline \"console=ttyS0 panic=-1 quiet\"\n"
		   "  tinyvmm vf create eth0 2 && tinyvmm check --vf 0000:01:10.0 --mem 512\n"
		   "  tinyvmm --mem 512 --vf 0000:01:10.0,mac=52:54:00:6d:90:02,vlan=42 \\\n"
		   "          --vf 0000:01:10.2,slot=5 --kernel bzImage\n");
}

int cli_parse_size(const char *s, u64 *bytes)
{
	u64 v = 0, mult = MiB;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++)
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (u64)(*p - '0'), &v))
			return -ERANGE;
	if (*p) {
		static const char units[] = "KMGTPE";
		const char *u = strchr(units, *p & ~0x20);

		if (!u || !(*p & ~0x20) || p[1])
			return -EINVAL;
		mult = 1ULL << (10 * (u - units + 1));
	}
	if (__builtin_mul_overflow(v, mult, bytes))
		return -ERANGE;
	return 0;
}

int cli_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -ERANGE;
	}
	if (*s)
		return -EINVAL;
	*out = v;
	return 0;
}

static int open_input(struct input_file *f, const char *what, const char *path)
{
	struct stat st;
	int fd;

	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	f->path = path;
	if (!*path) {
		log_err("--%s: empty file name; give the path of the %s", what, what);
		return -EINVAL;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		log_err("%s %s: %s", what, path, strerror(errno));
		return -EINVAL;
	}
	if (fstat(fd, &st) < 0) {
		log_err("%s %s: %s", what, path, strerror(errno));
		close(fd);
		return -EINVAL;
	}
	if (!S_ISREG(st.st_mode)) {
		log_err("%s %s: not a regular file", what, path);
		close(fd);
		return -EINVAL;
	}
	/* Reads are plain file reads from here on. */
	if (fcntl(fd, F_SETFL, 0) < 0) {
		log_err("%s %s: %s", what, path, strerror(errno));
		close(fd);
		return -EINVAL;
	}
	f->fd = fd;
	f->size = (u64)st.st_size;
	return 0;
}

static int opt_mem(struct config *cfg, const char *arg)
{
	u64 bytes;
	int r = cli_parse_size(arg, &bytes);

	if (r == -ERANGE) {
		log_err("--mem %s: too large; the maximum is %llu MiB", arg,
			(unsigned long long)(GUEST_MAX_RAM / MiB));
		return -EINVAL;
	}
	if (r < 0) {
		log_err("--mem %s: not a size; give a number of MiB, or a number with a K/M/G/T "
			"suffix, e.g. --mem 512 or --mem 2G",
			arg);
		return -EINVAL;
	}
	if (bytes < CLI_MIN_MEM) {
		log_err("--mem %s: too small; the minimum is %llu MiB", arg,
			(unsigned long long)(CLI_MIN_MEM / MiB));
		return -EINVAL;
	}
	if (bytes > GUEST_MAX_RAM) {
		log_err("--mem %s: too large; the maximum is %llu MiB", arg,
			(unsigned long long)(GUEST_MAX_RAM / MiB));
		return -EINVAL;
	}
	if (bytes % MiB) {
		log_err("--mem %s: not a whole number of MiB; round it to a multiple of 1M", arg);
		return -EINVAL;
	}
	cfg->mem = bytes;
	cfg->mem_mib = bytes / MiB;
	return 0;
}

static int opt_cpus(struct config *cfg, const char *arg)
{
	unsigned long n;

	if (cli_parse_uint(arg, CLI_MAX_CPUS, &n) < 0 || n == 0) {
		log_err("--cpus %s: give a number of vCPUs from 1 to %d", arg, CLI_MAX_CPUS);
		return -EINVAL;
	}
	cfg->cpus = (unsigned int)n;
	return 0;
}

static int opt_reboot(struct config *cfg, const char *arg)
{
	if (strcmp(arg, "exit") == 0)
		cfg->reboot = REBOOT_EXIT;
	else if (strcmp(arg, "restart") == 0)
		cfg->reboot = REBOOT_RESTART;
	else {
		log_err("--reboot=%s: unknown mode; use --reboot=exit or --reboot=restart", arg);
		return -EINVAL;
	}
	return 0;
}

static int opt_timeout(struct config *cfg, const char *arg)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if ((*arg < '0' || *arg > '9') && *arg != '.')
		end = (char *)arg; /* no sign, space, "inf" or "nan" */
	if (end == arg || *end || errno || !(v > 0) || v > CLI_MAX_TIMEOUT) {
		log_err("--timeout %s: give a number of seconds greater than 0 and at most %.0f, "
			"e.g. --timeout 30 or --timeout 0.5",
			arg, CLI_MAX_TIMEOUT);
		return -EINVAL;
	}
	cfg->timeout = v;
	return 0;
}

static int opt_expect(struct config *cfg, const char *arg)
{
	regex_t re;
	int r = regcomp(&re, arg, REG_EXTENDED | REG_NOSUB);

	if (r) {
		char why[128];

		regerror(r, &re, why, sizeof(why));
		log_err("--expect %s: not a valid extended regular expression: %s", arg, why);
		return -EINVAL;
	}
	if (cfg->expect)
		regfree(&cfg->expect_re);
	cfg->expect = arg;
	cfg->expect_re = re;
	return 0;
}

static int opt_events(struct config *cfg, const char *arg)
{
	if (!*arg) {
		log_err("--events: empty file name; give a file or fd:N");
		return -EINVAL;
	}
	if (strncmp(arg, "fd:", 3) == 0) {
		unsigned long n;

		if (cli_parse_uint(arg + 3, INT32_MAX, &n) < 0) {
			log_err("--events %s: not a descriptor number; give fd:N, e.g. fd:3", arg);
			return -EINVAL;
		}
		if (fcntl((int)n, F_GETFL) < 0 || (fcntl((int)n, F_GETFL) & O_ACCMODE) == O_RDONLY) {
			log_err("--events %s: descriptor %lu is not open for writing", arg, n);
			return -EINVAL;
		}
	}
	cfg->events = arg;
	return 0;
}

static int apply_opt(struct config *cfg, int id, const char *arg)
{
	switch (id) {
	case OPT_KERNEL:
		return open_input(&cfg->kernel, "kernel", arg);
	case OPT_INITRD:
		return open_input(&cfg->initrd, "initrd", arg);
	case OPT_CMDLINE:
		cfg->cmdline = arg;
		return 0;
	case OPT_MEM:
		return opt_mem(cfg, arg);
	case OPT_CPUS:
		return opt_cpus(cfg, arg);
	case OPT_CONSOLE:
		if (!*arg) {
			log_err("--console: empty file name; give a file to write the console to");
			return -EINVAL;
		}
		cfg->console = arg;
		return 0;
	case OPT_REBOOT:
		return opt_reboot(cfg, arg);
	case OPT_HUGEPAGES:
		cfg->hugepages = true;
		return 0;
	case OPT_STATS:
		cfg->stats = true;
		return 0;
	case OPT_VF:
		return cli_add_vf(cfg, arg);
	case OPT_VF_FROM_ENV:
		return cli_vf_from_env(cfg, arg);
	case OPT_VERBOSE:
		cfg->verbose = true;
		return 0;
	case OPT_TIMEOUT:
		return opt_timeout(cfg, arg);
	case OPT_EXPECT:
		return opt_expect(cfg, arg);
	case OPT_CONSOLE_LOG:
		if (!*arg) {
			log_err("--console-log: empty file name; give a file to append the console to");
			return -EINVAL;
		}
		cfg->console_log = arg;
		return 0;
	case OPT_CONSOLE_LOG_TS:
		cfg->console_log_timestamps = true;
		return 0;
	case OPT_EVENTS:
		return opt_events(cfg, arg);
	case OPT_CONFIG:
		return 0; /* read before the parse: config_prescan() */
	case OPT_API_SOCKET:
		if (!*arg) {
			log_err("--api-socket: empty path; give a path for the control socket");
			return -EINVAL;
		}
		cfg->api_socket = arg;
		return 0;
	}
	return -EINVAL;
}

static void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mem_mib = CLI_DEFAULT_MEM_MIB;
	cfg->mem = CLI_DEFAULT_MEM_MIB * MiB;
	cfg->cpus = 1;
	cfg->cmdline = CLI_DEFAULT_CMDLINE;
	cfg->kernel.fd = -1;
	cfg->initrd.fd = -1;
	cfg->reboot = REBOOT_EXIT;
}

/* Report what getopt rejected (c is '?' or ':'), naming "--foo" or "-x". */
static void bad_option(int c, int argc, char **argv)
{
	const char *word = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	bool is_long = strncmp(word, "--", 2) == 0;
	const char *what = c == ':'				    ? "missing argument"
			   : is_long && optopt && strchr(word, '=') ? "takes no argument"
								    : "unknown or ambiguous option";

	if (is_long)
		log_err("%.*s: %s; see tinyvmm --help", (int)strcspn(word, "="), word, what);
	else
		log_err("-%c: %s; see tinyvmm --help", optopt > 0 && optopt < 0x80 ? optopt : '?',
			what);
}

int cli_option_lookup(const char *name, bool *takes_arg)
{
	for (size_t i = 0; i < NR_OPTS; i++) {
		if (strcmp(cli_opts[i].name, name) == 0) {
			*takes_arg = cli_opts[i].has_arg == required_argument;
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * --config FILE: a getopt pass that applies nothing finds it, then the parse
 * runs over [argv[0], the file's words..., argv[1]...] so flags override the
 * file. A --vf or --vf-from-env on the command line replaces the file's VF
 * list rather than adding to it. --help and --version skip the file.
 */
static int config_prescan(int *argc, char ***argv, const char *shortopts,
			  const struct option *longopts, struct config *cfg)
{
	static const char *const vf_keys[] = {"vf", "vf-from-env", NULL};
	const char *path = NULL;
	bool has_vf = false;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(*argc, *argv, shortopts, longopts, NULL)) != -1) {
		if (c == OPT_HELP || c == OPT_VERSION)
			return 0;
		if (c == OPT_CONFIG && path) {
			log_err("--config %s: given twice (also --config %s); give one file", optarg,
				path);
			return -EINVAL;
		}
		if (c == OPT_CONFIG)
			path = optarg;
		has_vf |= c == OPT_VF || c == OPT_VF_FROM_ENV;
	}
	if (!path)
		return 0;
	if (config_file_load(path, cli_option_lookup, has_vf ? vf_keys : NULL, *argc, *argv,
			     &cfg->config_argv, argc) < 0)
		return -EINVAL;
	*argv = cfg->config_argv;
	return 0;
}

int cli_parse(int argc, char **argv, struct config *cfg)
{
	struct option longopts[NR_OPTS + 1];
	char shortopts[2 + 2 * NR_OPTS + 1];
	size_t ns = 0;
	int r = 0;

	config_defaults(cfg);
	shortopts[ns++] = ':';
	for (size_t i = 0; i < NR_OPTS; i++) {
		longopts[i] =
		    (struct option){cli_opts[i].name, cli_opts[i].has_arg, NULL, cli_opts[i].id};
		if (cli_opts[i].has_short) {
			shortopts[ns++] = (char)cli_opts[i].id;
			if (cli_opts[i].has_arg == required_argument)
				shortopts[ns++] = ':';
		}
	}
	shortopts[ns] = '\0';
	memset(&longopts[NR_OPTS], 0, sizeof(longopts[NR_OPTS]));

	r = config_prescan(&argc, &argv, shortopts, longopts, cfg);
	if (r < 0)
		goto out;
	optind = 0; /* glibc: full re-initialisation, so tests can parse again */
	opterr = 0;
	for (;;) {
		int c = getopt_long(argc, argv, shortopts, longopts, NULL);

		if (c == -1)
			break;
		if (c == OPT_HELP) {
			cli_usage(stdout);
			r = 1;
			goto out;
		}
		if (c == OPT_VERSION) {
			printf("tinyvmm %s\n", TINYVMM_VERSION);
			r = 1;
			goto out;
		}
		if (c == '?' || c == ':') {
			bad_option(c, argc, argv);
			r = -EINVAL;
			goto out;
		}
		r = apply_opt(cfg, c, optarg);
		if (r < 0)
			goto out;
	}
	if (optind < argc) {
		log_err("%s: unexpected argument; options start with --, see tinyvmm --help",
			argv[optind]);
		r = -EINVAL;
		goto out;
	}
	if (!cfg->kernel.path) {
		log_err("no kernel given; use --kernel bzImage");
		r = -EINVAL;
		goto out;
	}
	if (cfg->console_log_timestamps && !cfg->console_log) {
		log_err("--console-log-timestamps: needs --console-log FILE");
		r = -EINVAL;
		goto out;
	}
	if (cfg->hugepages && cfg->mem % (2 * MiB)) {
		log_err("--mem %llu: --hugepages needs a multiple of 2 MiB",
			(unsigned long long)cfg->mem_mib);
		r = -EINVAL;
		goto out;
	}
	return 0;
out:
	cli_release(cfg);
	return r;
}

void cli_release(struct config *cfg)
{
	if (cfg->kernel.fd >= 0)
		close(cfg->kernel.fd);
	if (cfg->initrd.fd >= 0)
		close(cfg->initrd.fd);
	cfg->kernel.fd = -1;
	cfg->initrd.fd = -1;
	if (cfg->expect)
		regfree(&cfg->expect_re);
	cfg->expect = NULL;
	free(cfg->vf_env);
	cfg->vf_env = NULL;
	free(cfg->config_argv);
	cfg->config_argv = NULL;
}
