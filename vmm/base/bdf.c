// SPDX-License-Identifier: MIT
/* bdf.c - PCI addresses; see bdf.h. */
#include <stdio.h>
#include <string.h>

#include "vmm/base/bdf.h"

#define BDF_LEN 12 /* "DDDD:BB:DD.F" */

static int hex_field(const char **p, int digits, unsigned int *out)
{
	unsigned int v = 0;

	for (int i = 0; i < digits; i++) {
		char c = (*p)[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;

		if (d < 0)
			return -EINVAL;
		v = v << 4 | (unsigned int)d;
	}
	*p += digits;
	*out = v;
	return 0;
}

int bdf_parse(const char *s, char out[BDF_SIZE])
{
	unsigned int dom = 0, bus, dev, fn;
	const char *p = s;
	size_t n = strlen(s);

	out[0] = '\0';
	if (n != BDF_LEN && n != BDF_LEN - 5)
		return -EINVAL;
	if (n == BDF_LEN && (hex_field(&p, 4, &dom) < 0 || *p++ != ':'))
		return -EINVAL;
	if (hex_field(&p, 2, &bus) < 0 || *p++ != ':' || hex_field(&p, 2, &dev) < 0 ||
	    *p++ != '.' || hex_field(&p, 1, &fn) < 0 || *p)
		return -EINVAL;
	if (dev > 0x1f || fn > 7)
		return -EINVAL;
	snprintf(out, BDF_SIZE, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return 0;
}
