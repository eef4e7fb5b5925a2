/*
 * tls.c: a throwaway CA and leaf certificate, made with GnuTLS at start.
 *
 * P-256 keys take well under a millisecond to make, so an HTTPS listener
 * costs nothing noticeable at start-up. The leaf names localhost, 127.0.0.1,
 * ::1 and the vendor host names a service gives (so a client that pins the
 * vendor's host name through --resolve still verifies).
 *
 * GnuTLS, not OpenSSL: it is libmicrohttpd's TLS and already set up when the
 * process starts, where OpenSSL's first random bytes alone (its providers and
 * generators made ready) took about 3 ms, more than the certificates. A
 * mock's start then touches no OpenSSL at all (mk_random_bytes for its own
 * secrets); OpenSSL reads the result in tests/unit/test_tls.c, a cross-check
 * of another library's making. A pair the user gives is checked here too
 * (mk_tls_check_pair): the mocks do not link OpenSSL at all.
 */
#include "mock/kit/tls.h"

#include "common/mem.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509-ext.h>
#include <gnutls/x509.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define VALID_SECS (20LL * 365 * 86400)

static gnutls_x509_privkey_t make_key(void)
{
    gnutls_x509_privkey_t key;

    if (gnutls_x509_privkey_init(&key) != 0)
        return NULL;
    if (gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
                                     GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) != 0) {
        gnutls_x509_privkey_deinit(key);
        return NULL;
    }
    return key;
}

/* The fields both certificates share: serial, validity, subject, key and its identifier
 * (RFC 5280's SHA-1 of the public key, kept in id). 0 or -1. */
static int fill(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key, const char *cn,
                unsigned char id[20], size_t *id_len)
{
    unsigned char serial[16];
    time_t now = time(NULL);

    if (gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial)) != 0)
        return -1;
    serial[0] &= 0x7f; /* a positive INTEGER */
    *id_len = 20;
    /* Valid 20 years either side of the wall clock: a command run under libfaketime
     * checks the certificate at the scenario's virtual time, which may be far off. */
    if (gnutls_x509_crt_set_version(crt, 3) != 0 ||
        gnutls_x509_crt_set_serial(crt, serial, sizeof(serial)) != 0 ||
        gnutls_x509_crt_set_activation_time(crt, (time_t)(now - VALID_SECS)) != 0 ||
        gnutls_x509_crt_set_expiration_time(crt, (time_t)(now + VALID_SECS)) != 0 ||
        gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, "secmock", 7) !=
            0 ||
        gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
                                      (unsigned)strlen(cn)) != 0 ||
        gnutls_x509_crt_set_key(crt, key) != 0 ||
        gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA1, id, id_len) != 0 ||
        gnutls_x509_crt_set_subject_key_id(crt, id, *id_len) != 0)
        return -1;
    return 0;
}

static int make_ca(gnutls_x509_crt_t ca, gnutls_x509_privkey_t key, unsigned char id[20],
                   size_t *id_len)
{
    if (fill(ca, key, "secmock test CA", id, id_len) != 0 ||
        gnutls_x509_crt_set_basic_constraints(ca, 1, -1) != 0 ||
        gnutls_x509_crt_set_key_usage(ca, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN) != 0)
        return -1;
    return gnutls_x509_crt_sign2(ca, ca, key, GNUTLS_DIG_SHA256, 0) == 0 ? 0 : -1;
}

static int san(gnutls_subject_alt_names_t sans, gnutls_x509_subject_alt_name_t type,
               const void *data, size_t len)
{
    gnutls_datum_t d = {(unsigned char *)(uintptr_t)data, (unsigned)len};

    return gnutls_subject_alt_names_set(sans, type, &d, NULL) == 0;
}

/* Every name in one extension, encoded once: appending them one by one to the
 * certificate (GNUTLS_FSAN_APPEND) decodes and encodes the extension again each
 * time, about 2 ms of a mock's start for the twenty-odd names of every service. */
static int set_names(gnutls_x509_crt_t crt, const char *const *names)
{
    static const unsigned char v4[4] = {127, 0, 0, 1};
    static const unsigned char v6[16] = {[15] = 1};
    gnutls_subject_alt_names_t sans;
    gnutls_datum_t der = {NULL, 0};
    const char *const *n;
    int ok;

    if (gnutls_subject_alt_names_init(&sans) != 0)
        return -1;
    ok = san(sans, GNUTLS_SAN_DNSNAME, "localhost", 9) &&
         san(sans, GNUTLS_SAN_IPADDRESS, v4, sizeof(v4)) &&
         san(sans, GNUTLS_SAN_IPADDRESS, v6, sizeof(v6));
    for (n = names; ok && n && *n; n++)
        ok = san(sans, GNUTLS_SAN_DNSNAME, *n, strlen(*n));
    ok = ok && gnutls_x509_ext_export_subject_alt_names(sans, &der) == 0 &&
         gnutls_x509_crt_set_extension_by_oid(crt, GNUTLS_X509EXT_OID_SAN, der.data, der.size, 0) ==
             0;
    gnutls_free(der.data);
    gnutls_subject_alt_names_deinit(sans);
    return ok ? 0 : -1;
}

static int make_leaf(gnutls_x509_crt_t leaf, gnutls_x509_privkey_t key, gnutls_x509_crt_t ca,
                     gnutls_x509_privkey_t ca_key, const unsigned char *ca_id, size_t ca_id_len,
                     const char *const *names)
{
    unsigned char id[20];
    size_t id_len;

    if (fill(leaf, key, "secmock", id, &id_len) != 0 ||
        gnutls_x509_crt_set_basic_constraints(leaf, 0, -1) != 0 ||
        gnutls_x509_crt_set_key_usage(leaf, GNUTLS_KEY_DIGITAL_SIGNATURE) != 0 ||
        gnutls_x509_crt_set_key_purpose_oid(leaf, GNUTLS_KP_TLS_WWW_SERVER, 0) != 0 ||
        gnutls_x509_crt_set_authority_key_id(leaf, ca_id, ca_id_len) != 0 ||
        set_names(leaf, names) != 0)
        return -1;
    return gnutls_x509_crt_sign2(leaf, ca, ca_key, GNUTLS_DIG_SHA256, 0) == 0 ? 0 : -1;
}

/* A PEM export as a NUL-terminated string of ours, or NULL. */
static char *pem_dup(const gnutls_datum_t *d)
{
    char *out = cm_strndup((const char *)d->data, d->size);

    gnutls_free(d->data);
    return out;
}

static char *cert_pem(gnutls_x509_crt_t crt)
{
    gnutls_datum_t d = {NULL, 0};

    return gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &d) == 0 ? pem_dup(&d) : NULL;
}

/* The private key as SEC 1 ("EC PRIVATE KEY", RFC 5915), which GnuTLS and OpenSSL read. */
static char *key_pem(gnutls_x509_privkey_t key)
{
    gnutls_datum_t d = {NULL, 0};
    char *out;

    if (gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &d) != 0)
        return NULL;
    out = cm_strndup((const char *)d.data, d.size);
    gnutls_memset(d.data, 0, d.size);
    gnutls_free(d.data);
    return out;
}

int mk_tls_generate(const char *const *names, struct mk_tls_material *out, struct cm_err *err)
{
    gnutls_x509_privkey_t ca_key = make_key(), leaf_key = make_key();
    gnutls_x509_crt_t ca = NULL, leaf = NULL;
    unsigned char ca_id[20];
    size_t ca_id_len;
    int rc = CM_ETLS;

    memset(out, 0, sizeof(*out));
    if (ca_key == NULL || leaf_key == NULL || gnutls_x509_crt_init(&ca) != 0 ||
        gnutls_x509_crt_init(&leaf) != 0)
        goto out;
    if (make_ca(ca, ca_key, ca_id, &ca_id_len) != 0 ||
        make_leaf(leaf, leaf_key, ca, ca_key, ca_id, ca_id_len, names) != 0)
        goto out;
    out->ca_pem = cert_pem(ca);
    out->cert_pem = cert_pem(leaf);
    out->key_pem = key_pem(leaf_key);
    if (out->ca_pem && out->cert_pem && out->key_pem)
        rc = 0;
out:
    if (rc) {
        mk_tls_material_release(out);
        cm_fail(err, rc, "cannot make a TLS certificate with GnuTLS");
    }
    if (ca)
        gnutls_x509_crt_deinit(ca);
    if (leaf)
        gnutls_x509_crt_deinit(leaf);
    if (ca_key)
        gnutls_x509_privkey_deinit(ca_key);
    if (leaf_key)
        gnutls_x509_privkey_deinit(leaf_key);
    return rc;
}

/* The key's id (a SHA-1 of its public part) is the certificate's when they are a pair. */
int mk_tls_check_pair(const struct mk_tls_material *m, const char *cert_name, const char *key_name,
                      struct cm_err *err)
{
    gnutls_datum_t cd = {(unsigned char *)m->cert_pem, (unsigned)strlen(m->cert_pem)};
    gnutls_datum_t kd = {(unsigned char *)m->key_pem, (unsigned)strlen(m->key_pem)};
    gnutls_x509_crt_t cert = NULL;
    gnutls_x509_privkey_t key = NULL;
    unsigned char cid[64], kid[64];
    size_t clen = sizeof(cid), klen = sizeof(kid);
    int rc = 0;

    if (gnutls_x509_crt_init(&cert) != 0 || gnutls_x509_privkey_init(&key) != 0)
        rc = cm_fail(err, CM_ETLS, "out of memory reading '%s'", cert_name);
    else if (gnutls_x509_crt_import(cert, &cd, GNUTLS_X509_FMT_PEM) != 0)
        rc = cm_fail(err, CM_ETLS, "no PEM certificate in '%s'", cert_name);
    else if (gnutls_x509_privkey_import2(key, &kd, GNUTLS_X509_FMT_PEM, NULL, 0) != 0)
        rc = cm_fail(err, CM_ETLS, "no PEM private key in '%s' (an encrypted key is not read)",
                     key_name);
    else if (gnutls_x509_crt_get_key_id(cert, 0, cid, &clen) != 0 ||
             gnutls_x509_privkey_get_key_id(key, 0, kid, &klen) != 0 || clen != klen ||
             memcmp(cid, kid, clen) != 0)
        rc = cm_fail(err, CM_ETLS, "the key in '%s' is not the key of the certificate in '%s'",
                     key_name, cert_name);
    if (cert)
        gnutls_x509_crt_deinit(cert);
    if (key)
        gnutls_x509_privkey_deinit(key);
    return rc;
}

void mk_tls_material_release(struct mk_tls_material *m)
{
    free(m->ca_pem);
    free(m->cert_pem);
    free(m->key_pem);
    m->ca_pem = m->cert_pem = m->key_pem = NULL;
}
