/* SPDX-License-Identifier: MIT */
/* version.h - tinyvmm's version: tinyvmm --version, tinyvmm_version(), the API's info. */
#ifndef TINYVMM_VERSION_H
#define TINYVMM_VERSION_H

#ifndef TINYVMM_VERSION
#define TINYVMM_VERSION "0.1"
#endif

#endif
