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
    X509_set_pubkey(cert, key);
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

static int write_key(BIO *b, void *k)
{
    return PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
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
    out->key_pem = pem_of(write_key, leaf_key);
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

void mk_tls_material_release(struct mk_tls_material *m)
{
    free(m->ca_pem);
    free(m->cert_pem);
    free(m->key_pem);
    m->ca_pem = m->cert_pem = m->key_pem = NULL;
}
