/*
 * libcrypto.h: the few OpenSSL primitives the reference client signs and
 * hashes with, from a libcrypto opened at run time.
 *
 * secmock does not link OpenSSL: `secmock serve` never needs it (the mocks
 * compute their MACs with GnuTLS, libmicrohttpd's TLS library, so each side
 * of an exchange also checks the other's library), and loading libcrypto cost
 * every start about 4 ms on the 2-CPU machine (tests/bench/startup.py). The
 * client loads it beside libcurl, which needs it anyway.
 *
 * The library is opened by the first call, once per process (thread-safe):
 * SECMOCK_LIBCRYPTO in the environment, else the build's SECMOCK_LIBCRYPTO.
 */
#ifndef CM_LIBCRYPTO_H
#define CM_LIBCRYPTO_H

#include <stddef.h>

/* Opens the library if not yet done: 0, or CM_ENOENT with the reason in
 * cm_crypto_load_error(). Every function below calls it. */
int cm_crypto_load(void);
const char *cm_crypto_load_error(void);

/* HMAC-SHA1 of data under key: 0, or CM_ENOENT. */
int cm_hmac_sha1(const void *key, size_t klen, const void *data, size_t len, unsigned char out[20]);
/* SHA-256 of data: 0, or CM_ENOENT. */
int cm_sha256(const void *data, size_t len, unsigned char out[32]);
/* Standard base64 of n bytes into out, NUL-terminated (4 * ((n + 2) / 3) + 1 bytes):
 * 0, or CM_ENOENT. */
int cm_base64(const void *in, size_t n, char *out);
/* n bytes from OpenSSL's generator: 0, or CM_ENOENT (or CM_EIO when it fails). */
int cm_crypto_random(void *buf, size_t n);
/* Sets up OpenSSL's random generators (the public and the private one) in this
 * process, so that children forked from it inherit them ready: the harness's
 * launcher (harness/launcher.c). Nothing when the library cannot be opened. */
void cm_crypto_warm(void);

#endif
