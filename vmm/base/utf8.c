// SPDX-License-Identifier: MIT
/* utf8.c - UTF-8 validation and encoding; see utf8.h. */
#include "vmm/base/utf8.h"

size_t utf8_len(const unsigned char *s, size_t n)
{
	static const unsigned int min[] = {0, 0x80, 0x800, 0x10000};
	unsigned int cp, extra;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0; /* continuation byte, overlong C0/C1, or past U+10FFFF */
	extra = s[0] >= 0xf0 ? 3 : s[0] >= 0xe0 ? 2 : 1;
	if (extra >= n)
		return 0;
	cp = s[0] & (0x3f >> extra);
	for (unsigned int i = 1; i <= extra; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return extra + 1;
}

size_t utf8_put(char *o, unsigned int cp)
{
	static const unsigned char lead[] = {0, 0, 0xc0, 0xe0, 0xf0};
	size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;

	for (size_t i = n - 1; i > 0; i--, cp >>= 6)
		o[i] = (char)(0x80 | (cp & 0x3f));
	o[0] = (char)(lead[n] | cp);
	return n;
}
