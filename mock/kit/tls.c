/*
 * tls.c: a throwaway CA and leaf certificate, made with OpenSSL at start.
 *
 * P-256 keys take about a millisecond to make, so an HTTPS listener costs
 * nothing noticeable at start-up. The leaf names localhost, 127.0.0.1, ::1
 * and the vendor host names a service gives (so a client that pins the
 * vendor's host name through --resolve still verifies).
 */
#include "mock/kit/tls.h"

#include "common/buf.h"
#include "common/mem.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

static EVP_PKEY *make_key(void)
{
    return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ext;
    int ok;

    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (ext == NULL)
        return -1;
    ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok ? 0 : -1;
}

/*
 * OpenSSL writes keys through its encoder lookup, about 4M instructions for
 * each first use (X509_set_pubkey, PEM_write_bio_PrivateKey): together most of
 * secmock serve's start-up once GnuTLS's own check is gone (tlscred.h). A
 * P-256 key has one fixed shape, so both are written here: the public point
 * for the certificate (X509_PUBKEY_set0_param) and the private key as SEC 1
 * DER (RFC 5915), which GnuTLS reads.
 */
static int p256_point(EVP_PKEY *key, unsigned char point[65])
{
    size_t len = 0;

    return EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, 65,
                                           &len) == 1 &&
                   len == 65
               ? 0
               : -1;
}

static int set_pubkey(X509 *cert, EVP_PKEY *key)
{
    unsigned char point[65], *copy;

    if (p256_point(key, point) || (copy = OPENSSL_memdup(point, sizeof(point))) == NULL)
        return -1;
    if (X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(cert), OBJ_nid2obj(NID_X9_62_id_ecPublicKey),
                               V_ASN1_OBJECT, OBJ_nid2obj(NID_X9_62_prime256v1), copy,
                               (int)sizeof(point)) != 1) {
        OPENSSL_free(copy);
        return -1;
    }
    return 0;
}

/* ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING (32),
 *   [0] prime256v1, [1] publicKey BIT STRING (65) }: 121 bytes. */
static char *p256_key_pem(EVP_PKEY *key)
{
    static const unsigned char head[] = {0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20};
    static const unsigned char mid[] = {0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
                                        0x03, 0x01, 0x07, 0xa1, 0x44, 0x03, 0x42, 0x00};
    unsigned char der[sizeof(head) + 32 + sizeof(mid) + 65];
    unsigned char b64[((sizeof(der) + 2) / 3) * 4 + 1];
    BIGNUM *d = NULL;
    struct cm_buf pem;
    size_t i, n;
    char *out = NULL;

    memcpy(der, head, sizeof(head));
    memcpy(der + sizeof(head) + 32, mid, sizeof(mid));
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1 ||
        BN_bn2binpad(d, der + sizeof(head), 32) != 32 ||
        p256_point(key, der + sizeof(head) + 32 + sizeof(mid)))
        goto out;
    n = (size_t)EVP_EncodeBlock(b64, der, (int)sizeof(der));
    cm_buf_init(&pem, 4096);
    cm_buf_puts(&pem, "-----BEGIN EC PRIVATE KEY-----\n");
    for (i = 0; i < n; i += 64)
        cm_buf_printf(&pem, "%.*s\n", (int)(n - i < 64 ? n - i : 64), (const char *)b64 + i);
    cm_buf_puts(&pem, "-----END EC PRIVATE KEY-----\n");
    out = cm_strdup(cm_buf_str(&pem));
    OPENSSL_cleanse(pem.data, pem.len);
    cm_buf_release(&pem);
out:
    BN_clear_free(d);
    OPENSSL_cleanse(der, sizeof(der));
    OPENSSL_cleanse(b64, sizeof(b64));
    return out;
}

static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer)
{
    X509 *cert = X509_new();
    X509_NAME *name;
    unsigned char serial[16];
    BIGNUM *bn;

    if (cert == NULL || RAND_bytes(serial, sizeof(serial)) != 1)
        goto fail;
    serial[0] &= 0x7f;
    bn = BN_bin2bn(serial, sizeof(serial), NULL);
    if (bn == NULL || BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) == NULL) {
        BN_free(bn);
        goto fail;
    }
    BN_free(bn);
    X509_set_version(cert, 2);
    /* Valid 20 years either side of the wall clock: a command run under libfaketime
     * checks the certificate at the scenario's virtual time, which may be far off. */
    X509_time_adj_ex(X509_getm_notBefore(cert), -20 * 365, 0, NULL);
    X509_time_adj_ex(X509_getm_notAfter(cert), 20 * 365, 0, NULL);
    if (set_pubkey(cert, key))
        goto fail;
    name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"secmock", -1, -1,
                               0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) : name);
    if (add_ext(cert, issuer ? issuer : cert, NID_subject_key_identifier, "hash"))
        goto fail;
    if (issuer == NULL) {
        if (add_ext(cert, cert, NID_basic_constraints, "critical,CA:TRUE") ||
            add_ext(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign"))
            goto fail;
    } else {
        if (add_ext(cert, issuer, NID_basic_constraints, "critical,CA:FALSE") ||
            add_ext(cert, issuer, NID_key_usage, "critical,digitalSignature") ||
            add_ext(cert, issuer, NID_ext_key_usage, "serverAuth") ||
            add_ext(cert, issuer, NID_authority_key_identifier, "keyid:always"))
            goto fail;
    }
    return cert;
fail:
    X509_free(cert);
    return NULL;
}

static char *pem_of(int (*write)(BIO *, void *), void *obj)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *data, *out = NULL;
    long n;

    if (bio == NULL)
        return NULL;
    if (write(bio, obj) == 1) {
        n = BIO_get_mem_data(bio, &data);
        if (n > 0)
            out = cm_strndup(data, (size_t)n);
    }
    BIO_free(bio);
    return out;
}

static int write_cert(BIO *b, void *x)
{
    return PEM_write_bio_X509(b, x);
}

int mk_tls_generate(const char *const *names, struct mk_tls_material *out, struct cm_err *err)
{
    EVP_PKEY *ca_key = NULL, *leaf_key = NULL;
    X509 *ca = NULL, *leaf = NULL;
    struct cm_buf san;
    const char *const *n;
    int rc = CM_ETLS;

    memset(out, 0, sizeof(*out));
    cm_buf_init(&san, 64 * 1024);
    cm_buf_puts(&san, "DNS:localhost,IP:127.0.0.1,IP:::1");
    for (n = names; n && *n; n++)
        cm_buf_printf(&san, ",DNS:%s", *n);

    ca_key = make_key();
    leaf_key = make_key();
    if (ca_key == NULL || leaf_key == NULL)
        goto out;
    ca = make_cert(ca_key, "secmock test CA", NULL);
    if (ca == NULL || X509_sign(ca, ca_key, EVP_sha256()) == 0)
        goto out;
    leaf = make_cert(leaf_key, "secmock", ca);
    if (leaf == NULL || add_ext(leaf, ca, NID_subject_alt_name, cm_buf_str(&san)) ||
        X509_sign(leaf, ca_key, EVP_sha256()) == 0)
        goto out;
    out->ca_pem = pem_of(write_cert, ca);
    out->cert_pem = pem_of(write_cert, leaf);
    out->key_pem = p256_key_pem(leaf_key);
    if (out->ca_pem && out->cert_pem && out->key_pem)
        rc = 0;
out:
    if (rc) {
        mk_tls_material_release(out);
        cm_fail(err, rc, "cannot make a TLS certificate with OpenSSL");
    }
    cm_buf_release(&san);
    X509_free(ca);
    X509_free(leaf);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(leaf_key);
    return rc;
}

int mk_tls_check_pair(const struct mk_tls_material *m, const char *cert_name, const char *key_name,
                      struct cm_err *err)
{
    BIO *cb = BIO_new_mem_buf(m->cert_pem, -1), *kb = BIO_new_mem_buf(m->key_pem, -1);
    X509 *cert = cb ? PEM_read_bio_X509(cb, NULL, NULL, NULL) : NULL;
    EVP_PKEY *key = kb ? PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL) : NULL;
    int rc = 0;

    if (cert == NULL)
        rc = cm_fail(err, CM_ETLS, "no PEM certificate in '%s'", cert_name);
    else if (key == NULL)
        rc = cm_fail(err, CM_ETLS, "no PEM private key in '%s' (an encrypted key is not read)",
                     key_name);
    else if (X509_check_private_key(cert, key) != 1)
        rc = cm_fail(err, CM_ETLS, "the key in '%s' is not the key of the certificate in '%s'",
                     key_name, cert_name);
    if (rc)
        ERR_clear_error();
    X509_free(cert);
    EVP_PKEY_free(key);
    BIO_free(cb);
    BIO_free(kb);
    return rc;
}

void mk_tls_material_release(struct mk_tls_material *m)
{
    free(m->ca_pem);
    free(m->cert_pem);
    free(m->key_pem);
    m->ca_pem = m->cert_pem = m->key_pem = NULL;
}
