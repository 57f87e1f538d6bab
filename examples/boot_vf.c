// SPDX-License-Identifier: MIT
/*
 * boot_vf.c - boot a Linux guest with an SR-IOV VF through libtinyvmm and
 * wait until its console prints a marker line.
 *
 *   usage: boot_vf KERNEL INITRD VF_BDF MARKER
 *
 * The guest's console goes to stdout, the run's events to stderr. Exit
 * status 0 once a console line matches MARKER (a POSIX extended regex),
 * otherwise the run's (tinyvmm's exit codes: 67 after 150 s, 68 if the
 * guest ended first, 64/65 for a bad VF or a host problem).
 * Build: cc -Iinclude boot_vf.c build/libtinyvmm.a -pthread
 */
#include <stdio.h>

#include <tinyvmm.h>

/* Called on the library's threads with each event's JSON line, in order. */
static void print_event(void *opaque, const char *event, const char *json_line)
{
	(void)opaque;
	(void)event;
	fprintf(stderr, "boot_vf: event %s\n", json_line);
}

int main(int argc, char **argv)
{
	struct tinyvmm_config cfg = {0}; /* zero: the default for every field */
	struct tinyvmm_status st;
	struct tinyvmm_stats stats;
	struct tinyvmm *vm;
	int r, status;

	if (argc != 5) {
		fprintf(stderr, "usage: boot_vf KERNEL INITRD VF_BDF MARKER\n");
		return TINYVMM_EXIT_USAGE;
	}
	cfg.kernel = argv[1];
	cfg.initrd = argv[2];
	cfg.mem_mib = 256;
	cfg.expect = argv[4]; /* the run ends, status 0, at the first matching line */
	cfg.timeout = 150;    /* or with TINYVMM_EXIT_TIMEOUT */
	/* The VF, in the --vf syntax; bound to vfio-pci when the run starts,
	 * given back when it ends. */
	r = tinyvmm_vf_parse(argv[3], &cfg.vfs[cfg.nr_vfs++]);
	if (r == 0)
		r = tinyvmm_create(&cfg, &vm);
	if (r < 0) /* the library said why on stderr; whose fault it was picks the status */
		return tinyvmm_is_user_error(r) ? TINYVMM_EXIT_USAGE : TINYVMM_EXIT_HOST;
	if (tinyvmm_set_event_callback(vm, print_event, NULL) < 0) {
		tinyvmm_destroy(vm);
		return TINYVMM_EXIT_HOST;
	}
	/* In the background: this thread could serve a UI meanwhile. The run
	 * ends at expect-matched, or when the guest ends or the time is up. */
	if (tinyvmm_start(vm) < 0) {
		tinyvmm_destroy(vm);
		return TINYVMM_EXIT_HOST;
	}
	status = tinyvmm_wait(vm);
	tinyvmm_status(vm, &st);
	tinyvmm_stats(vm, &stats);
	if (status == 0 && stats.boot_to_marker >= 0)
		printf("boot_vf: marker seen after %.3f s\n", stats.boot_to_marker);
	else
		fprintf(stderr, "boot_vf: no marker: status %d (%s)\n", status, st.reason);
	tinyvmm_destroy(vm);
	return status;
}
