// SPDX-License-Identifier: MIT
/* config.c - the machine description's copy, defaults and checks; see config.h. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "arch/layout.h"
#include "vmm/base/bdf.h"
#include "vmm/api/config.h"
#include "vmm/core/events.h"
#include "vmm/base/err.h"
#include "vmm/base/parse.h"
#include "vmm/host/rtnl.h"

_Static_assert(CONFIG_MIN_SLOT == PCI_FIRST_DEVICE_SLOT && CONFIG_MAX_SLOT == PCI_MAX_SLOTS - 1,
	       "the guest slots are the layout's");
_Static_assert((TINYVMM_MIN_MEM_MIB * MiB) <= GUEST_MAX_RAM, "the layout holds the minimum RAM");

/* The string fields of the config, for copying and freeing. */
#define CONFIG_STRINGS(c)                                                                          \
	{                                                                                          \
		&(c)->kernel, &(c)->initrd, &(c)->cmdline, &(c)->console, &(c)->console_log,       \
		    &(c)->expect, &(c)->events, &(c)->api_socket, &(c)->dump_dtb,                  \
	}

void config_free(struct tinyvmm_config *c)
{
	const char **strs[] = CONFIG_STRINGS(c);

	for (size_t i = 0; i < ARRAY_SIZE(strs); i++) {
		free((char *)*strs[i]);
		*strs[i] = NULL;
	}
}

int config_copy(struct tinyvmm_config *dst, const struct tinyvmm_config *src)
{
	const char **strs[] = CONFIG_STRINGS(dst);

	*dst = *src;
	if (!dst->cmdline)
		dst->cmdline = TINYVMM_DEFAULT_CMDLINE;
	if (!dst->mem_mib)
		dst->mem_mib = TINYVMM_DEFAULT_MEM_MIB;
	if (!dst->cpus)
		dst->cpus = 1;
	for (size_t i = 0; i < ARRAY_SIZE(strs); i++) {
		if (!*strs[i])
			continue;
		*strs[i] = strdup(*strs[i]);
		if (!*strs[i]) {
			for (size_t j = i + 1; j < ARRAY_SIZE(strs); j++)
				*strs[j] = NULL; /* not ours yet */
			config_free(dst);
			return err_host(-ENOMEM, "config: out of memory");
		}
	}
	return 0;
}

unsigned int tinyvmm_max_mem_mib(void)
{
	return (unsigned int)(GUEST_MAX_RAM / MiB);
}

int config_check_seccomp(enum tinyvmm_seccomp mode)
{
	if ((unsigned int)mode > TINYVMM_SECCOMP_LOG)
		return err_user(-EINVAL, "seccomp %u: give TINYVMM_SECCOMP_OFF, _KILL or _LOG",
				(unsigned int)mode);
	return 0;
}

static int check_mem(const struct tinyvmm_config *c)
{
	if ((u64)c->mem_mib * MiB < (u64)TINYVMM_MIN_MEM_MIB * MiB)
		return err_user(-EINVAL, "--mem %u: too small; the minimum is %u MiB", c->mem_mib,
				TINYVMM_MIN_MEM_MIB);
	if ((u64)c->mem_mib * MiB > GUEST_MAX_RAM)
		return err_user(-EINVAL, "--mem %u: too large; the maximum is %llu MiB", c->mem_mib,
				(unsigned long long)(GUEST_MAX_RAM / MiB));
	if (c->hugepages && c->mem_mib % 2)
		return err_user(-EINVAL, "--mem %u: --hugepages needs a multiple of 2 MiB",
				c->mem_mib);
	return 0;
}

/* A file option that, when given, must not be empty. */
static int check_name(const char *value, const char *opt, const char *fix)
{
	if (value && !*value)
		return err_user(-EINVAL, "--%s: %s", opt, fix);
	return 0;
}

static int check_events(const char *spec)
{
	int fd, fl;

	if (!spec)
		return 0;
	if (!*spec)
		return err_user(-EINVAL, "--events: empty file name; give a file or fd:N");
	fd = events_spec_fd(spec);
	if (fd == -EINVAL)
		return err_user(-EINVAL,
				"--events %s: not a descriptor number; give fd:N, e.g. fd:3", spec);
	fl = fd >= 0 ? fcntl(fd, F_GETFL) : 0;
	if (fd >= 0 && (fl < 0 || (fl & O_ACCMODE) == O_RDONLY))
		return err_user(-EINVAL, "--events %s: descriptor %d is not open for writing", spec,
				fd);
	return 0;
}

int config_check_vf(struct tinyvmm_vf *vf, const char *arg)
{
	char bdf[TINYVMM_BDF_SIZE];

	memcpy(bdf, vf->bdf, sizeof(bdf));
	bdf[sizeof(bdf) - 1] = '\0';
	if (!arg)
		arg = bdf;
	if (bdf_parse(bdf, vf->bdf) < 0)
		return err_user(
		    -EINVAL,
		    "--vf %s: \"%s\" is not a PCI address; give DDDD:BB:DD.F or BB:DD.F "
		    "as lspci -D shows it, e.g. --vf 0000:01:10.0",
		    arg, bdf);
	if (vf->slot > CONFIG_MAX_SLOT)
		return err_user(-EINVAL, "--vf %s: slot=%u: give a guest slot from %d to %d", arg,
				vf->slot, CONFIG_MIN_SLOT, CONFIG_MAX_SLOT);
	if (vf->set_mac && rtnl_mac_is_multicast(vf->mac))
		return err_user(
		    -EINVAL,
		    "--vf %s: mac=%02x:%02x:%02x:%02x:%02x:%02x is a multicast address "
		    "(low bit of the first byte set); give a unicast one, e.g. 52:54:00:..",
		    arg, vf->mac[0], vf->mac[1], vf->mac[2], vf->mac[3], vf->mac[4], vf->mac[5]);
	if (vf->set_mac && rtnl_mac_is_zero(vf->mac))
		return err_user(
		    -EINVAL,
		    "--vf %s: mac=00:00:00:00:00:00: the all-zero address is not a MAC; "
		    "give a unicast one",
		    arg);
	if (vf->set_vlan && vf->vlan > CONFIG_VLAN_MAX)
		return err_user(-EINVAL, "--vf %s: vlan=%u: give a VLAN id from 0 (none) to %d",
				arg, vf->vlan, CONFIG_VLAN_MAX);
	if (vf->qos > CONFIG_QOS_MAX)
		return err_user(-EINVAL, "--vf %s: qos=%u: give an 802.1p priority from 0 to %d",
				arg, vf->qos, CONFIG_QOS_MAX);
	if (vf->qos > 0 && (!vf->set_vlan || vf->vlan == 0))
		return err_user(-EINVAL, "--vf %s: qos= applies to a VLAN; give vlan=N (1-%d) too",
				arg, CONFIG_VLAN_MAX);
	if ((unsigned int)vf->spoofchk > TINYVMM_OFF || (unsigned int)vf->trust > TINYVMM_OFF)
		return err_user(-EINVAL,
				"--vf %s: spoofchk and trust are on, off or left as they are", arg);
	return 0;
}

/* vfs[i] is not passed twice (vfs[0..i) are canonical). */
static int check_unique(const struct tinyvmm_vf *vfs, unsigned int i, const char *arg)
{
	for (unsigned int j = 0; j < i; j++)
		if (strcmp(vfs[j].bdf, vfs[i].bdf) == 0)
			return err_user(-EINVAL,
					"--vf %s: %s is already passed by --vf %s; give each "
					"function once",
					arg ? arg : vfs[i].bdf, vfs[i].bdf, vfs[j].bdf);
	return 0;
}

int config_add_vf(struct tinyvmm_config *c, const struct tinyvmm_vf *vf, const char *arg)
{
	int r;

	if (c->nr_vfs >= TINYVMM_MAX_VFS)
		return err_user(-EINVAL,
				"--vf %s: too many; at most %d functions can be passed "
				"through",
				arg ? arg : vf->bdf, TINYVMM_MAX_VFS);
	c->vfs[c->nr_vfs] = *vf;
	r = config_check_vf(&c->vfs[c->nr_vfs], arg);
	if (r == 0)
		r = check_unique(c->vfs, c->nr_vfs, arg);
	if (r == 0)
		c->nr_vfs++;
	return r;
}

int config_check(struct tinyvmm_config *c)
{
	int r;

	if (!c->kernel)
		return err_user(-EINVAL, "no kernel given; use --kernel %s",
				tinyvmm_arch()->kernel_example);
	r = check_mem(c);
	if (r < 0)
		return r;
	if (c->cpus < 1 || c->cpus > TINYVMM_MAX_CPUS)
		return err_user(-EINVAL, "--cpus %u: give a number of vCPUs from 1 to %d", c->cpus,
				TINYVMM_MAX_CPUS);
	r = config_check_seccomp(c->seccomp);
	if (r < 0)
		return r;
	if (c->timeout != 0 && !(c->timeout > 0 && c->timeout <= TINYVMM_MAX_TIMEOUT))
		return err_user(-EINVAL,
				"--timeout %g: give a number of seconds greater than 0 and at most "
				"%.0f, e.g. --timeout 30 or --timeout 0.5",
				c->timeout, TINYVMM_MAX_TIMEOUT);
	r = check_name(c->console, "console",
		       "empty file name; give a file to write the console to");
	if (r == 0)
		r = check_name(c->console_log, "console-log",
			       "empty file name; give a file to append the console to");
	if (r == 0)
		r = check_name(c->api_socket, "api-socket",
			       "empty path; give a path for the control socket");
	if (r == 0)
		r = check_name(c->dump_dtb, "dump-dtb",
			       "empty file name; give a file to write the device tree to");
	if (r == 0 && c->dump_dtb && !ARCH_HAS_DTB)
		r = err_user(-EINVAL,
			     "--dump-dtb: %s guests boot with ACPI tables, not a device "
			     "tree; the option is for arm64",
			     tinyvmm_arch()->name);
	if (r == 0)
		r = check_events(c->events);
	if (r < 0)
		return r;
	if (c->output_limit && c->output_limit < 4096)
		return err_user(-EINVAL, "--output-limit %llu: give at least 4096 bytes (4K)",
				c->output_limit);
	if (c->console_log_timestamps && !c->console_log)
		return err_user(-EINVAL, "--console-log-timestamps: needs --console-log FILE");
	if (c->nr_vfs > TINYVMM_MAX_VFS)
		return err_user(-EINVAL,
				"--vf: %u of them; at most %d functions can be passed through",
				c->nr_vfs, TINYVMM_MAX_VFS);
	for (unsigned int i = 0; i < c->nr_vfs; i++) {
		r = config_check_vf(&c->vfs[i], NULL);
		if (r == 0)
			r = check_unique(c->vfs, i, NULL);
		if (r < 0)
			return r;
	}
	return 0;
}
