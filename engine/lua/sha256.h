/*
 * sha256.h - SHA-256 (FIPS 180-4) of a buffer, for the rule file hashes
 * shown in rule health (so an audit names exactly which rule code ran).
 */
#ifndef FL_LUA_SHA256_H
#define FL_LUA_SHA256_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the digest of data[0..len) as 64 lowercase hex digits and a NUL. */
void fl_sha256_hex(const void *data, size_t len, char out[65]);
/* For tests: the portable code even where the CPU has SHA instructions. */
extern bool fl_sha256_portable;

#endif
