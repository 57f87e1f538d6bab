// SPDX-License-Identifier: MIT
/* aml.c - a small AML encoder; see aml.h. */
#include <string.h>

#include "firmware/x86/aml.h"

enum { OPEN_PLAIN, OPEN_PACKAGE, OPEN_BUFFER };

/*
 * Bytes reserved at open time for a PkgLength and a BufferSize: their
 * smallest encodings. aml_end() moves the content up if the real ones are
 * longer, so the output never needs more room than its final size.
 */
#define PKGLEN_RESERVE	1
#define BUFSIZE_RESERVE 1

void aml_init(struct aml *a, void *buf, size_t len)
{
	memset(a, 0, sizeof(*a));
	a->buf = buf;
	a->len = buf ? len : 0;
}

ssize_t aml_finish(const struct aml *a)
{
	if (a->invalid || a->depth != 0)
		return -EINVAL;
	if (a->overflow)
		return -ENOSPC;
	return (ssize_t)a->pos;
}

/* Write n bytes at offset off, or mark an overflow and write nothing (and
 * nothing ever after: the content would be incomplete anyway). */
static void put_at(struct aml *a, size_t off, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (a->overflow || !range_ok(off, n, a->len)) {
		a->overflow = true;
		return;
	}
	memcpy(a->buf + off, p, n);
}

void aml_bytes(struct aml *a, const void *p, size_t n)
{
	size_t end;

	if (__builtin_add_overflow(a->pos, n, &end)) {
		a->invalid = true;
		return;
	}
	put_at(a, a->pos, p, n);
	a->pos = end;
}

void aml_byte(struct aml *a, u8 b)
{
	aml_bytes(a, &b, 1);
}

static void aml_le(struct aml *a, u64 v, unsigned int n)
{
	u8 b[8];

	for (unsigned int i = 0; i < n; i++)
		b[i] = (u8)(v >> (8 * i));
	aml_bytes(a, b, n);
}

unsigned int aml_pkglen_encode(u32 len, u8 out[4])
{
	unsigned int n;

	if (len == 0 || len > AML_PKGLEN_MAX)
		return 0;
	if (len <= 0x3f) {
		out[0] = (u8)len;
		return 1;
	}
	n = len <= 0xfff ? 2 : len <= 0xfffff ? 3 : 4;
	/* Lead byte: bits 7-6 count the bytes that follow, bits 3-0 are the
	 * low nibble; each following byte holds the next 8 bits. */
	out[0] = (u8)((n - 1) << 6 | (len & 0xf));
	for (unsigned int i = 1; i < n; i++)
		out[i] = (u8)(len >> (4 + 8 * (i - 1)));
	return n;
}

/*
 * PkgLength for content bytes that follow it. The value counts its own
 * bytes, so the encoding can grow because of itself: 62 content bytes fit
 * a 1-byte PkgLength (63), but 63 need 2 bytes (65).
 */
static unsigned int pkglen_for_content(size_t content, u8 out[4])
{
	static const u32 max[4] = {0x3f, 0xfff, 0xfffff, AML_PKGLEN_MAX};

	for (unsigned int n = 1; n <= 4; n++) {
		if (content <= max[n - 1] - n)
			return aml_pkglen_encode((u32)(content + n), out);
	}
	return 0;
}

/* Smallest integer encoding of v into out[9]; returns its size. */
static unsigned int integer_encode(u64 v, u8 out[9])
{
	unsigned int n;

	if (v == 0 || v == 1) {
		out[0] = v ? AML_ONE_OP : AML_ZERO_OP;
		return 1;
	}
	if (v <= 0xff) {
		out[0] = AML_BYTE_PREFIX;
		n = 1;
	} else if (v <= 0xffff) {
		out[0] = AML_WORD_PREFIX;
		n = 2;
	} else if (v <= 0xffffffff) {
		out[0] = AML_DWORD_PREFIX;
		n = 4;
	} else {
		out[0] = AML_QWORD_PREFIX;
		n = 8;
	}
	for (unsigned int i = 0; i < n; i++)
		out[1 + i] = (u8)(v >> (8 * i));
	return n + 1;
}

void aml_integer(struct aml *a, u64 v)
{
	u8 b[9];

	aml_bytes(a, b, integer_encode(v, b));
}

void aml_string(struct aml *a, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++) {
		if ((u8)s[i] > 0x7f) {
			a->invalid = true;
			return;
		}
	}
	aml_byte(a, AML_STRING_PREFIX);
	aml_bytes(a, s, n + 1);
}

static bool lead_char(char c)
{
	return (c >= 'A' && c <= 'Z') || c == '_';
}

static bool name_char(char c)
{
	return lead_char(c) || (c >= '0' && c <= '9');
}

/* Length of the NameSeg at s (ending at NUL or '.'), or 0 if invalid. */
static size_t seg_len(const char *s)
{
	size_t n = 0;

	if (!lead_char(s[0]))
		return 0;
	while (s[n] && s[n] != '.') {
		if (n == 4 || !name_char(s[n]))
			return 0;
		n++;
	}
	return n;
}

static void emit_seg(struct aml *a, const char *s, size_t n)
{
	char seg[4] = {'_', '_', '_', '_'};

	memcpy(seg, s, n);
	aml_bytes(a, seg, 4);
}

void aml_nameseg(struct aml *a, const char *seg)
{
	size_t n = seg_len(seg);

	if (!n || seg[n]) {
		a->invalid = true;
		return;
	}
	emit_seg(a, seg, n);
}

void aml_namestring(struct aml *a, const char *path)
{
	const char *p = path, *segs;
	unsigned int nsegs = 0;
	size_t n;

	if (*p == AML_ROOT_CHAR)
		p++;
	else
		while (*p == AML_PARENT_PREFIX)
			p++;
	segs = p;
	/* Validate the whole path before emitting anything. */
	while (*p) {
		n = seg_len(p);
		if (!n || nsegs == 255 || (p[n] == '.' && !p[n + 1]))
			goto bad;
		nsegs++;
		p += n + (p[n] == '.');
	}
	if (nsegs == 0 && segs == path)
		goto bad; /* "" names nothing; "\\" and "^" are fine */

	aml_bytes(a, path, (size_t)(segs - path));
	if (nsegs == 0)
		aml_byte(a, AML_ZERO_OP); /* NullName */
	else if (nsegs == 2)
		aml_byte(a, AML_DUAL_NAME_PREFIX);
	else if (nsegs > 2) {
		aml_byte(a, AML_MULTI_NAME_PREFIX);
		aml_byte(a, (u8)nsegs);
	}
	for (p = segs; *p; p += n + (p[n] == '.')) {
		n = seg_len(p);
		emit_seg(a, p, n);
	}
	return;
bad:
	a->invalid = true;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int aml_eisaid_value(const char *id, u32 *v)
{
	u32 vendor = 0, product = 0;

	if (strlen(id) != 7)
		return -EINVAL;
	for (int i = 0; i < 3; i++) {
		if (id[i] < 'A' || id[i] > 'Z')
			return -EINVAL;
		vendor = vendor << 5 | (u32)(id[i] - 'A' + 1);
	}
	for (int i = 3; i < 7; i++) {
		int d = hex_digit(id[i]);

		if (d < 0)
			return -EINVAL;
		product = product << 4 | (u32)d;
	}
	/* Compressed vendor then product, both big-endian, read as a
	 * little-endian dword: "PNP0A03" is bytes 41 d0 0a 03. */
	*v = (vendor >> 8) | (vendor & 0xff) << 8 | (product >> 8) << 16 | (product & 0xff) << 24;
	return 0;
}

void aml_eisaid(struct aml *a, const char *id)
{
	u32 v;

	if (aml_eisaid_value(id, &v) < 0) {
		a->invalid = true;
		return;
	}
	aml_byte(a, AML_DWORD_PREFIX);
	aml_le(a, v, 4);
}

void aml_name(struct aml *a, const char *path)
{
	aml_byte(a, AML_NAME_OP);
	aml_namestring(a, path);
}

/* Open a nested object: reserve room for its PkgLength (and BufferSize). */
static void open_pkg(struct aml *a, u8 kind)
{
	static const u8 zero[PKGLEN_RESERVE + BUFSIZE_RESERVE];

	if (a->depth < AML_MAX_DEPTH) {
		a->open[a->depth].start = a->pos;
		a->open[a->depth].kind = kind;
	} else {
		a->invalid = true; /* still counted, so aml_end() pairs up */
	}
	a->depth++;
	aml_bytes(a, zero, PKGLEN_RESERVE + (kind == OPEN_BUFFER ? BUFSIZE_RESERVE : 0));
}

void aml_end(struct aml *a)
{
	u8 pkglen[4], size[9];
	size_t start, reserve, content, hdr, extra = 0;
	unsigned int n;
	u8 kind;

	if (a->depth == 0) {
		a->invalid = true;
		return;
	}
	a->depth--;
	if (a->depth >= AML_MAX_DEPTH)
		return;
	start = a->open[a->depth].start;
	kind = a->open[a->depth].kind;
	reserve = PKGLEN_RESERVE + (kind == OPEN_BUFFER ? BUFSIZE_RESERVE : 0);
	content = a->pos - start - reserve;

	/* Header: PkgLength, then for a Buffer its size as an integer. */
	if (kind == OPEN_BUFFER) {
		if (content > AML_PKGLEN_MAX) {
			a->invalid = true;
			return;
		}
		extra = integer_encode(content, size);
	}
	n = pkglen_for_content(extra + content, pkglen);
	if (!n) {
		a->invalid = true;
		return;
	}
	hdr = n + extra; /* >= reserve: the content moves up, if at all */
	if (!a->overflow && range_ok(start + hdr, content, a->len)) {
		memmove(a->buf + start + hdr, a->buf + start + reserve, content);
		memcpy(a->buf + start, pkglen, n);
		memcpy(a->buf + start + n, size, extra);
	} else {
		a->overflow = true;
	}
	a->pos = start + hdr + content;
}

void aml_scope_begin(struct aml *a, const char *path)
{
	aml_byte(a, AML_SCOPE_OP);
	open_pkg(a, OPEN_PLAIN);
	aml_namestring(a, path);
}

void aml_device_begin(struct aml *a, const char *path)
{
	aml_byte(a, AML_EXT_OP_PREFIX);
	aml_byte(a, AML_DEVICE_OP);
	open_pkg(a, OPEN_PLAIN);
	aml_namestring(a, path);
}

void aml_method_begin(struct aml *a, const char *path, unsigned int nargs, bool serialized)
{
	if (nargs > 7)
		a->invalid = true;
	aml_byte(a, AML_METHOD_OP);
	open_pkg(a, OPEN_PLAIN);
	aml_namestring(a, path);
	/* MethodFlags: ArgCount in bits 2-0, SerializeFlag bit 3, SyncLevel 0 */
	aml_byte(a, (u8)((nargs & 7) | (serialized ? 0x08 : 0)));
}

void aml_if_begin(struct aml *a)
{
	aml_byte(a, AML_IF_OP);
	open_pkg(a, OPEN_PLAIN);
}

void aml_opregion(struct aml *a, const char *name, u8 space, u64 offset, u64 len)
{
	aml_byte(a, AML_EXT_OP_PREFIX);
	aml_byte(a, AML_OPREGION_OP);
	aml_namestring(a, name);
	aml_byte(a, space);
	aml_integer(a, offset);
	aml_integer(a, len);
}

void aml_field_begin(struct aml *a, const char *region, u8 flags)
{
	aml_byte(a, AML_EXT_OP_PREFIX);
	aml_byte(a, AML_FIELD_OP);
	open_pkg(a, OPEN_PLAIN);
	aml_namestring(a, region);
	aml_byte(a, flags);
}

void aml_field_unit(struct aml *a, const char *name, unsigned int bits)
{
	/* NamedField: NameSeg, then the bit length in PkgLength form (the
	 * value does not count its own bytes); one byte up to 63 bits. */
	if (bits == 0 || bits > 0x3f) {
		a->invalid = true;
		return;
	}
	aml_nameseg(a, name);
	aml_byte(a, (u8)bits);
}

void aml_notify(struct aml *a, const char *path, u64 value)
{
	aml_byte(a, AML_NOTIFY_OP);
	aml_namestring(a, path);
	aml_integer(a, value);
}

void aml_package_begin(struct aml *a, unsigned int nelems)
{
	if (nelems > 255)
		a->invalid = true; /* would need VarPackageOp */
	aml_byte(a, AML_PACKAGE_OP);
	open_pkg(a, OPEN_PACKAGE);
	aml_byte(a, (u8)nelems);
}

void aml_buffer_begin(struct aml *a)
{
	aml_byte(a, AML_BUFFER_OP);
	open_pkg(a, OPEN_BUFFER);
}

void aml_restemplate_begin(struct aml *a)
{
	aml_buffer_begin(a);
}

void aml_restemplate_end(struct aml *a)
{
	if (a->depth == 0 || a->depth > AML_MAX_DEPTH ||
	    a->open[a->depth - 1].kind != OPEN_BUFFER) {
		a->invalid = true;
		return;
	}
	aml_byte(a, AML_RES_END_TAG);
	aml_byte(a, 0); /* checksum 0: not computed */
	aml_end(a);
}

void aml_res_io(struct aml *a, u16 min, u16 max, u8 align, u8 len)
{
	if (min > max) {
		a->invalid = true;
		return;
	}
	aml_byte(a, AML_RES_IO);
	aml_byte(a, 0x01); /* Decode16 */
	aml_le(a, min, 2);
	aml_le(a, max, 2);
	aml_byte(a, align);
	aml_byte(a, len);
}

void aml_res_irq_noflags(struct aml *a, unsigned int irq)
{
	if (irq > 15) {
		a->invalid = true;
		return;
	}
	aml_byte(a, AML_RES_IRQ_NOFLAGS);
	aml_le(a, 1U << irq, 2);
}

void aml_res_interrupt(struct aml *a, u32 gsi, bool edge, bool active_low)
{
	aml_byte(a, AML_RES_EXT_IRQ);
	aml_le(a, 6, 2); /* flags, count, one dword */
	/* bit 0 ResourceConsumer, bit 1 edge, bit 2 active low, bit 3 shared (no) */
	aml_byte(a, (u8)(1 | (edge ? 2 : 0) | (active_low ? 4 : 0)));
	aml_byte(a, 1);
	aml_le(a, gsi, 4);
}

/*
 * Word/DWord/QWord address-space descriptor: tag, length, resource type,
 * general flags, type-specific flags, then granularity, min, max,
 * translation offset and length, each `width` bytes.
 */
static void res_addr(struct aml *a, u8 tag, unsigned int width, u8 type, u8 tflags, u64 min,
		     u64 max)
{
	u64 limit = width == 8 ? ~0ULL : (1ULL << (8 * width)) - 1;
	u64 len = max - min + 1;

	/* The length field must hold max - min + 1 (no full-space range). */
	if (min > max || len == 0 || len > limit || max > limit) {
		a->invalid = true;
		return;
	}
	aml_byte(a, tag);
	aml_le(a, 3 + 5 * width, 2);
	aml_byte(a, type);
	/* General flags: producer (bit 0 clear), PosDecode, MinFixed (bit 2),
	 * MaxFixed (bit 3). */
	aml_byte(a, 0x0c);
	aml_byte(a, tflags);
	aml_le(a, 0, width); /* granularity */
	aml_le(a, min, width);
	aml_le(a, max, width);
	aml_le(a, 0, width); /* translation offset */
	aml_le(a, len, width);
}

void aml_res_word_bus(struct aml *a, u16 min, u16 max)
{
	res_addr(a, AML_RES_WORD_ADDR, 2, AML_ADDR_BUS, 0, min, max);
}

void aml_res_word_io(struct aml *a, u16 min, u16 max)
{
	/* _RNG = 3: EntireRange (ISA and non-ISA ports) */
	res_addr(a, AML_RES_WORD_ADDR, 2, AML_ADDR_IO, 0x03, min, max);
}

/* Memory type-specific flags: _RW bit 0, _MEM bits 2-1, _MTP 0 (memory). */
static u8 mem_flags(struct aml *a, unsigned int mem_type, bool rw)
{
	if (mem_type > AML_MEM_PREFETCHABLE)
		a->invalid = true;
	return (u8)((mem_type & 3) << 1 | (rw ? 1 : 0));
}

void aml_res_dword_mem(struct aml *a, u32 min, u32 max, unsigned int mem_type, bool rw)
{
	res_addr(a, AML_RES_DWORD_ADDR, 4, AML_ADDR_MEMORY, mem_flags(a, mem_type, rw), min, max);
}

void aml_res_qword_mem(struct aml *a, u64 min, u64 max, unsigned int mem_type, bool rw)
{
	res_addr(a, AML_RES_QWORD_ADDR, 8, AML_ADDR_MEMORY, mem_flags(a, mem_type, rw), min, max);
}
