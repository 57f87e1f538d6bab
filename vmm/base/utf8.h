/* SPDX-License-Identifier: MIT */
/*
 * utf8.h - UTF-8, as the JSON reader and writer both need it: one rule for
 * what is valid (no overlong forms, no surrogates, nothing past U+10FFFF),
 * so what the writer lets through the reader accepts. Pure.
 */
#ifndef TINYVMM_UTF8_H
#define TINYVMM_UTF8_H

#include <stddef.h>

/* Length of the valid UTF-8 sequence at s (at most n bytes, n >= 1), or 0. */
size_t utf8_len(const unsigned char *s, size_t n);

/* Encode code point cp (at most U+10FFFF, not a surrogate) at o: 1 to 4 bytes. */
size_t utf8_put(char *o, unsigned int cp);

#endif
