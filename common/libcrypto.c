/*
 * libcrypto.c: see libcrypto.h. Every call goes through the table os, filled
 * by cm_dl_open (common/dl.c).
 */
#include "common/libcrypto.h"

#include "common/dl.h"
#include "common/error.h"

#include <limits.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdlib.h>

#ifndef SECMOCK_LIBCRYPTO
#define SECMOCK_LIBCRYPTO "libcrypto.so.3"
#endif

static struct {
    unsigned char *(*hmac)(const EVP_MD *md, const void *key, int klen, const unsigned char *d,
                           size_t n, unsigned char *out, unsigned int *out_len);
    int (*digest)(const void *d, size_t n, unsigned char *out, unsigned int *out_len,
                  const EVP_MD *md, ENGINE *impl);
    const EVP_MD *(*sha1)(void);
    const EVP_MD *(*sha256)(void);
    int (*encode_block)(unsigned char *out, const unsigned char *in, int n);
    int (*rand_bytes)(unsigned char *buf, int n);
    int (*rand_priv_bytes)(unsigned char *buf, int n);
    int (*rand_status)(void);
} os;

static const struct cm_dl_sym os_syms[] = {
    {"HMAC", &os.hmac},
    {"EVP_Digest", &os.digest},
    {"EVP_sha1", &os.sha1},
    {"EVP_sha256", &os.sha256},
    {"EVP_EncodeBlock", &os.encode_block},
    {"RAND_bytes", &os.rand_bytes},
    {"RAND_priv_bytes", &os.rand_priv_bytes},
    {"RAND_status", &os.rand_status},
};

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_rc;
static char load_error[512];

static void load(void)
{
    const char *lib = getenv("SECMOCK_LIBCRYPTO");

    load_rc = cm_dl_open(lib && *lib ? lib : SECMOCK_LIBCRYPTO, "libssl3", os_syms,
                         sizeof(os_syms) / sizeof(os_syms[0]), load_error, sizeof(load_error));
}

int cm_crypto_load(void)
{
    pthread_once(&load_once, load);
    return load_rc ? CM_ENOENT : 0;
}

const char *cm_crypto_load_error(void)
{
    return load_error;
}

int cm_hmac_sha1(const void *key, size_t klen, const void *data, size_t len, unsigned char out[20])
{
    unsigned int n = 0;

    if (cm_crypto_load())
        return CM_ENOENT;
    if (klen > (size_t)INT_MAX || os.hmac(os.sha1(), key, (int)klen, data, len, out, &n) == NULL ||
        n != 20)
        return CM_EINVAL;
    return 0;
}

int cm_sha256(const void *data, size_t len, unsigned char out[32])
{
    unsigned int n = 0;

    if (cm_crypto_load())
        return CM_ENOENT;
    return os.digest(data, len, out, &n, os.sha256(), NULL) == 1 && n == 32 ? 0 : CM_EINVAL;
}

int cm_base64(const void *in, size_t n, char *out)
{
    if (cm_crypto_load())
        return CM_ENOENT;
    if (n > (size_t)INT_MAX)
        return CM_ETOOBIG;
    os.encode_block((unsigned char *)out, in, (int)n);
    return 0;
}

int cm_crypto_random(void *buf, size_t n)
{
    if (cm_crypto_load())
        return CM_ENOENT;
    return n <= (size_t)INT_MAX && os.rand_bytes(buf, (int)n) == 1 ? 0 : CM_EIO;
}

void cm_crypto_warm(void)
{
    unsigned char b[1];

    if (cm_crypto_load())
        return;
    /* libcurl asks RAND_status() before it connects; TLS draws public and private bytes. */
    os.rand_status();
    os.rand_bytes(b, sizeof(b));
    os.rand_priv_bytes(b, sizeof(b));
}
