// SPDX-License-Identifier: MIT
/* cli.c - the command line into struct tinyvmm_config; see cli.h. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/base/err.h"
#include "vmm/base/json.h"
#include "vmm/base/log.h"
#include "vmm/base/parse.h"
#include "vmm/base/version.h"
#include "vmm/cmd/cli.h"
#include "vmm/cmd/config_file.h"

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
	OPT_OUTPUT_LIMIT,
	OPT_SECCOMP,
	OPT_RUN_AS,
	OPT_API_SOCKET,
	OPT_CONFIG,
	OPT_DUMP_DTB,
};

struct cli_opt {
	const char *name;
	int has_arg;
	int id;
	bool has_short; /* id is also the short option letter */
	const char *arg;
	const char *help;
};

/* The single source of truth: getopt's tables, --help and --config keys come from here. */
static const struct cli_opt cli_opts[] = {
    {"kernel", required_argument, OPT_KERNEL, false, "FILE",
     NULL}, /* tinyvmm_arch()->kernel_help */
    {"initrd", required_argument, OPT_INITRD, false, "FILE",
     "initial ramdisk (initramfs), placed high in RAM"},
    {"cmdline", required_argument, OPT_CMDLINE, false, "STR",
     "kernel command line (default \"" TINYVMM_DEFAULT_CMDLINE "\")"},
    {"mem", required_argument, OPT_MEM, false, "SIZE",
     "guest RAM; MiB unless suffixed K/M/G/T (default 256, min 16M, max "}, /* + max */
    {"cpus", required_argument, OPT_CPUS, false, "N",
     "number of vCPUs, 1..255 (default 1; KVM's own limit also applies)"},
    {"console", required_argument, OPT_CONSOLE, false, "FILE",
     "append guest serial output to FILE instead of stdout; no input"},
    {"reboot", required_argument, OPT_REBOOT, false, "exit|restart",
     "on a guest reboot: exit with status 0 (default) or boot again (a guest that "
     "reboots within 2 s waits 0.1-5 s first)"},
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
    {"output-limit", required_argument, OPT_OUTPUT_LIMIT, false, "SIZE|none",
     "how much each of the --console FILE, --console-log and --events files may grow by in a "
     "run: a size with its unit, K/M/G/T (default 64M)"},
    {"seccomp", required_argument, OPT_SECCOMP, false, "kill|log|off",
     "per-thread system call allow-lists: a forbidden call ends the run with 70 (default), "
     "is logged by the kernel, or no filters (for debugging)"},
    {"run-as", required_argument, OPT_RUN_AS, false, "USER|UID:GID|none",
     "as root: run the VM in a process of this user (default nobody); none: one root process"},
    {"api-socket", required_argument, OPT_API_SOCKET, false, "PATH",
     "serve the control API on Unix socket PATH (0600); see tinyvmm ctl"},
    {"config", required_argument, OPT_CONFIG, false, "FILE",
     "options from JSON FILE, keyed by long option name; flags override; paths relative to cwd"},
    {"dump-dtb", required_argument, OPT_DUMP_DTB, false, "FILE",
     "arm64: write the guest's device tree to FILE and exit 0 without booting"},
    {"verbose", no_argument, OPT_VERBOSE, true, NULL, "log boot milestones (debug level)"},
    {"help", no_argument, OPT_HELP, true, NULL, "print this help and exit"},
    {"version", no_argument, OPT_VERSION, true, NULL, "print the version and exit"},
};
#define NR_OPTS ARRAY_SIZE(cli_opts)

/* The exit status table of --help: the library's codes, the command's words. */
static const struct {
	const char *code;
	const char *meaning;
} exit_rows[] = {
    {"0", "the guest powered off (or rebooted with --reboot=exit), --expect matched, or the "
	  "control API stopped it"},
    {"1-63", "the status the guest wrote to the debug exit register"},
    {"64", "bad arguments, a rejected kernel/initrd, or an unusable --vf device"},
    {"65", "host or KVM error (/dev/kvm, an ioctl, a failed VM entry; a file the host ran "
	   "out of descriptors, memory or disk for)"},
    {"66", "the guest crashed: triple fault or kernel panic (pvpanic)"},
    {"67", "--timeout expired: the guest was stopped"},
    {"68", "guest ended (or an API stop) before --expect matched"},
    {"69", "the guest wrote 64-255 to the debug exit register (tinyvmm's range)"},
    {"70", "a tinyvmm thread made a system call its seccomp allow-list forbids"},
    {"128+N", "stopped by signal N: SIGHUP 129, SIGINT 130, SIGQUIT 131, SIGUSR2 140, SIGALRM "
	      "142, SIGTERM 143 (SIGUSR1 is ignored)"},
};
_Static_assert(TINYVMM_EXIT_USAGE == 64 && TINYVMM_EXIT_HOST == 65 && TINYVMM_EXIT_CRASH == 66 &&
		   TINYVMM_EXIT_TIMEOUT == 67 && TINYVMM_EXIT_EXPECT_FAILED == 68 &&
		   TINYVMM_EXIT_GUEST_RANGE == 69 && TINYVMM_EXIT_SECCOMP == 70 &&
		   TINYVMM_EXIT_SIGNAL_BASE == 128,
	       "--help's exit status table");

void cli_usage(FILE *f)
{
	const struct tinyvmm_arch *arch = tinyvmm_arch();

	fprintf(f,
		"usage: tinyvmm --kernel %s [options]\n\n"
		"Boot an unmodified %s Linux kernel in a KVM virtual machine.\n"
		"The guest's console, %s, is on stdin/stdout.\n\n"
		"options:\n",
		arch->kernel_arg, arch->name, arch->console);
	for (size_t i = 0; i < NR_OPTS; i++) {
		const struct cli_opt *o = &cli_opts[i];
		char left[64], help[160];

		snprintf(left, sizeof(left), "%c%c%c --%s%s%s", o->has_short ? '-' : ' ',
			 o->has_short ? o->id : ' ', o->has_short ? ',' : ' ', o->name,
			 o->arg ? (o->id == OPT_REBOOT || o->id == OPT_SECCOMP ? "=" : " ") : "",
			 o->arg ? o->arg : "");
		if (o->id == OPT_MEM)
			snprintf(help, sizeof(help), "%s%uG)", o->help,
				 tinyvmm_max_mem_mib() / 1024);
		else
			snprintf(help, sizeof(help), "%s",
				 o->id == OPT_KERNEL ? arch->kernel_help : o->help);
		fprintf(f, "  %-26s %s\n", left, help);
	}
	fprintf(
	    f,
	    "\nVF passthrough: --vf BDF[,slot=N][,mac=MAC][,vlan=N[,qos=N]][,spoofchk=on|off]\n"
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
	for (size_t i = 0; i < ARRAY_SIZE(exit_rows); i++)
		fprintf(f, "  %6s  %s\n", exit_rows[i].code, exit_rows[i].meaning);
	fprintf(f,
		"\nCI boot-test mode: --timeout, --expect, --console-log and --events give\n"
		"a pass/fail status and machine-readable logs. --expect matches each complete\n"
		"console line (\\r dropped; lines over 4 KiB are matched in 4 KiB chunks).\n"
		"A guest may end the run with a status of its own:\n  %s.\n",
		arch->guest_exit);
	fprintf(f,
		"\nexample:\n"
		"  tinyvmm --mem 512 --cpus 2 --kernel %s --initrd initramfs.cpio.gz \\\n"
		"          --cmdline \"console=ttyS0 panic=-1 quiet\"\n"
		"  tinyvmm vf create eth0 2 && tinyvmm check --vf 0000:01:10.0 --mem 512\n"
		"  tinyvmm --mem 512 --vf 0000:01:10.0,mac=52:54:00:6d:90:02,vlan=42 \\\n"
		"          --vf 0000:01:10.2,slot=5 --kernel %s\n",
		arch->kernel_example, arch->kernel_example);
}

/* ---- one option's text into its field ---- */

int cli_mem(const char *arg, unsigned int *mib)
{
	u64 bytes;
	int r = parse_size(arg, &bytes);

	if (r == -ERANGE || (r == 0 && bytes / MiB > tinyvmm_max_mem_mib()))
		return err_user(-EINVAL, "--mem %s: too large; the maximum is %u MiB", arg,
				tinyvmm_max_mem_mib());
	if (r < 0)
		return err_user(-EINVAL,
				"--mem %s: not a size; give a number of MiB, or a number with a "
				"K/M/G/T suffix, e.g. --mem 512 or --mem 2G",
				arg);
	/* below the smallest unit the config holds: judged here, on the text */
	if (bytes < (u64)TINYVMM_MIN_MEM_MIB * MiB)
		return err_user(-EINVAL, "--mem %s: too small; the minimum is %u MiB", arg,
				TINYVMM_MIN_MEM_MIB);
	if (bytes % MiB)
		return err_user(-EINVAL,
				"--mem %s: not a whole number of MiB; round it to a multiple of 1M",
				arg);
	*mib = (unsigned int)(bytes / MiB);
	return 0;
}

static int opt_seccomp(struct tinyvmm_config *cfg, const char *arg)
{
	static const char *const modes[] = {
	    [TINYVMM_SECCOMP_OFF] = "off",
	    [TINYVMM_SECCOMP_KILL] = "kill",
	    [TINYVMM_SECCOMP_LOG] = "log",
	};

	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		if (strcmp(arg, modes[i]) == 0) {
			cfg->seccomp = (enum tinyvmm_seccomp)i;
			return 0;
		}
	}
	return err_user(-EINVAL, "--seccomp=%s: unknown mode; use --seccomp=kill, log or off", arg);
}

static int opt_output_limit(struct tinyvmm_config *cfg, const char *arg)
{
	u64 bytes;

	if (strcmp(arg, "none") == 0) {
		cfg->output_limit = TINYVMM_OUTPUT_UNLIMITED;
		return 0;
	}
	/* A unit is required: a bare number is MiB to parse_size() (as for
	 * --mem), which "bytes" in --help would not lead anyone to expect. */
	if (!*arg || (arg[strlen(arg) - 1] >= '0' && arg[strlen(arg) - 1] <= '9') ||
	    parse_size(arg, &bytes) < 0 || bytes < 4096)
		return err_user(
		    -EINVAL,
		    "--output-limit %s: give a size of at least 4K with a K/M/G/T suffix, "
		    "e.g. --output-limit 256M, or none for no limit",
		    arg);
	cfg->output_limit = bytes;
	return 0;
}

static int opt_cpus(struct tinyvmm_config *cfg, const char *arg)
{
	unsigned long n;

	if (parse_uint(arg, TINYVMM_MAX_CPUS, &n) < 0 || n == 0)
		return err_user(-EINVAL, "--cpus %s: give a number of vCPUs from 1 to %d", arg,
				TINYVMM_MAX_CPUS);
	cfg->cpus = (unsigned int)n;
	return 0;
}

static int opt_reboot(struct tinyvmm_config *cfg, const char *arg)
{
	if (strcmp(arg, "exit") == 0)
		cfg->restart_on_reboot = false;
	else if (strcmp(arg, "restart") == 0)
		cfg->restart_on_reboot = true;
	else
		return err_user(-EINVAL,
				"--reboot=%s: unknown mode; use --reboot=exit or --reboot=restart",
				arg);
	return 0;
}

static int opt_timeout(struct tinyvmm_config *cfg, const char *arg)
{
	double v;

	if (parse_seconds(arg, &v) < 0 || !(v > 0) || v > TINYVMM_MAX_TIMEOUT)
		return err_user(-EINVAL,
				"--timeout %s: give a number of seconds greater than 0 and at most "
				"%.0f, e.g. --timeout 30 or --timeout 0.5",
				arg, TINYVMM_MAX_TIMEOUT);
	cfg->timeout = v;
	return 0;
}

/* One more VF; the first one on the command line replaces the file's list. */
static int opt_vf(struct cli *c, const char *arg, bool from_cmdline)
{
	struct tinyvmm_config *cfg = &c->cfg;
	int r;

	if (from_cmdline && !c->cmdline_vfs) {
		c->cmdline_vfs = true;
		cfg->nr_vfs = 0;
	}
	if (cfg->nr_vfs == TINYVMM_MAX_VFS)
		return err_user(-EINVAL,
				"--vf %s: too many; at most %d functions can be passed through",
				arg, TINYVMM_MAX_VFS);
	r = tinyvmm_vf_parse(arg, &cfg->vfs[cfg->nr_vfs]);
	if (r == 0)
		cfg->nr_vfs++;
	return r;
}

/*
 * --vf-from-env VAR: a --vf for each comma-separated BDF in the environment
 * variable VAR (as the Kubernetes SR-IOV network device plugin sets
 * PCIDEVICE_<RESOURCE>). Unset or empty VAR, or one with no address in it
 * (",", blanks), is an error. Each entry is
 * parsed from a copy: nothing points into the environment afterwards.
 */
static int opt_vf_from_env(struct cli *c, const char *var)
{
	const char *val = *var ? getenv(var) : NULL;
	static const char blanks[] = " \t\r\n";
	char *copy, *p, *next;
	unsigned int n = 0;
	size_t len;
	int r = 0;

	if (!*var)
		return err_user(-EINVAL, "--vf-from-env: empty variable name; give e.g. "
					 "PCIDEVICE_INTEL_COM_SRIOV_NETDEVICE");
	if (!val || !*val)
		return err_user(-EINVAL,
				"--vf-from-env %s: the variable is %s; the SR-IOV device plugin "
				"sets it in a pod that requested VFs (comma-separated PCI "
				"addresses)",
				var, val ? "empty" : "not set");
	copy = strdup(val);
	if (!copy)
		return err_host(-ENOMEM, "--vf-from-env %s: out of memory", var);
	for (p = copy; p && r == 0; p = next) {
		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		/* blanks around an address go; within one, opt_vf() refuses it */
		p += strspn(p, blanks);
		len = strlen(p);
		while (len && strchr(blanks, p[len - 1]))
			p[--len] = '\0';
		if (*p) { /* "a,,b" or a trailing comma: skipped */
			r = opt_vf(c, p, true);
			n++;
		}
	}
	free(copy);
	if (r == 0 && n == 0) /* "," or blanks: the plugin gave no VF */
		return err_user(-EINVAL,
				"--vf-from-env %s: the variable holds no PCI address, only "
				"commas and blanks; the SR-IOV device plugin sets comma-separated "
				"addresses",
				var);
	return r;
}

/* Apply option id with its text arg (NULL for a flag); from_cmdline: not the file. */
static int apply_opt(struct cli *c, int id, const char *arg, bool from_cmdline)
{
	struct tinyvmm_config *cfg = &c->cfg;

	switch (id) {
	case OPT_KERNEL:
		cfg->kernel = arg; /* opened and checked by tinyvmm_create() */
		return 0;
	case OPT_INITRD:
		cfg->initrd = arg;
		return 0;
	case OPT_CMDLINE:
		cfg->cmdline = arg;
		return 0;
	case OPT_MEM:
		return cli_mem(arg, &cfg->mem_mib);
	case OPT_CPUS:
		return opt_cpus(cfg, arg);
	case OPT_CONSOLE:
		cfg->console = arg;
		return 0; /* an empty name: tinyvmm_create() says so */
	case OPT_REBOOT:
		return opt_reboot(cfg, arg);
	case OPT_HUGEPAGES:
		cfg->hugepages = true;
		return 0;
	case OPT_STATS:
		cfg->stats = true;
		return 0;
	case OPT_VF:
		return opt_vf(c, arg, from_cmdline);
	case OPT_VF_FROM_ENV:
		return opt_vf_from_env(c, arg);
	case OPT_VERBOSE:
		cfg->verbose = true;
		log_set_level(LOG_DEBUG);
		return 0;
	case OPT_TIMEOUT:
		return opt_timeout(cfg, arg);
	case OPT_EXPECT:
		cfg->expect = arg;
		return 0;
	case OPT_CONSOLE_LOG:
		cfg->console_log = arg;
		return 0;
	case OPT_DUMP_DTB:
		cfg->dump_dtb = arg;
		return 0;
	case OPT_OUTPUT_LIMIT:
		return opt_output_limit(cfg, arg);
	case OPT_SECCOMP:
		return opt_seccomp(cfg, arg);
	case OPT_RUN_AS:
		if (!*arg)
			return err_user(-EINVAL,
					"--run-as: empty; give a user name, UID:GID or none");
		c->run_as = arg;
		return 0;
	case OPT_CONSOLE_LOG_TS:
		cfg->console_log_timestamps = true;
		return 0;
	case OPT_EVENTS:
		cfg->events = arg;
		return 0;
	case OPT_API_SOCKET:
		cfg->api_socket = arg;
		return 0;
	case OPT_CONFIG:
		return 0; /* read before the command line: config_prescan() */
	}
	return -ENOENT;
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

int cli_apply(struct cli *c, const char *name, const char *value)
{
	for (size_t i = 0; i < NR_OPTS; i++)
		if (strcmp(cli_opts[i].name, name) == 0)
			return apply_opt(c, cli_opts[i].id, value, false);
	return -ENOENT;
}

/* ---- the command line ---- */

/* Report what getopt rejected (c is '?' or ':'), naming "--foo" or "-x". */
static int bad_option(int c, int argc, char **argv)
{
	const char *word = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	bool is_long = strncmp(word, "--", 2) == 0;
	const char *what = c == ':'				    ? "missing argument"
			   : is_long && optopt && strchr(word, '=') ? "takes no argument"
								    : "unknown or ambiguous option";

	if (is_long)
		return err_user(-EINVAL, "%.*s: %s; see tinyvmm --help", (int)strcspn(word, "="),
				word, what);
	return err_user(-EINVAL, "-%c: %s; see tinyvmm --help",
			optopt > 0 && optopt < 0x80 ? optopt : '?', what);
}

/*
 * --config FILE: a getopt pass that applies nothing finds it; the file is
 * applied first, so the command line's options override it (and its first
 * --vf or --vf-from-env replaces the file's VFs). --help and --version skip
 * the file.
 */
static int file_apply(void *opaque, const char *name, const char *value)
{
	return cli_apply(opaque, name, value);
}

static int config_prescan(int argc, char **argv, const char *shortopts,
			  const struct option *longopts, struct cli *c)
{
	const char *path = NULL;
	int opt;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (opt == OPT_HELP || opt == OPT_VERSION)
			return 0;
		if (opt == OPT_CONFIG && path)
			return err_user(-EINVAL,
					"--config %s: given twice (also --config %s); give "
					"one file",
					optarg, path);
		if (opt == OPT_CONFIG)
			path = optarg;
	}
	if (!path)
		return 0;
	return config_file_load(path, cli_option_lookup, file_apply, c, &c->config_doc);
}

int cli_parse(int argc, char **argv, struct cli *c)
{
	struct option longopts[NR_OPTS + 1];
	char shortopts[2 + 2 * NR_OPTS + 1];
	size_t ns = 0;
	int r;

	memset(c, 0, sizeof(*c));
	c->cfg.seccomp = TINYVMM_SECCOMP_KILL; /* the command's default; the library's is off */
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

	r = config_prescan(argc, argv, shortopts, longopts, c);
	if (r < 0)
		goto out;
	optind = 0; /* glibc: full re-initialisation, so tests can parse again */
	opterr = 0;
	for (;;) {
		int opt = getopt_long(argc, argv, shortopts, longopts, NULL);

		if (opt == -1)
			break;
		if (opt == OPT_HELP) {
			cli_usage(stdout);
			r = 1;
			goto out;
		}
		if (opt == OPT_VERSION) {
			printf("tinyvmm %s\n", TINYVMM_VERSION);
			r = 1;
			goto out;
		}
		if (opt == '?' || opt == ':') {
			r = bad_option(opt, argc, argv);
			goto out;
		}
		r = apply_opt(c, opt, optarg, true);
		if (r < 0)
			goto out;
	}
	if (optind < argc) {
		r = err_user(-EINVAL,
			     "%s: unexpected argument; options start with --, see tinyvmm --help",
			     argv[optind]);
		goto out;
	}
	return 0;
out:
	cli_release(c);
	return r;
}

void cli_release(struct cli *c)
{
	json_free(c->config_doc);
	c->config_doc = NULL;
}
