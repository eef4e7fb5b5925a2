/*
 * test_tls.c: the throwaway certificates verify as a client would verify
 * them: leaf signed by the CA, named for localhost, 127.0.0.1 and the vendor
 * host names, usable for TLS servers only; and a pair the user gives is
 * checked whatever library made it.
 */
#include <criterion/criterion.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#include "mock/kit/tls.h"

static X509 *load_cert(const char *pem)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);

    BIO_free(b);
    cr_assert_not_null(x);
    return x;
}

Test(tls, leaf_verifies_against_ca_with_names)
{
    const char *names[] = {"api-sse.cisco.com", "visibility.amp.cisco.com", NULL};
    struct mk_tls_material m;
    X509 *ca, *leaf;
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    EVP_PKEY *key;
    BIO *kb;

    cr_assert_eq(mk_tls_generate(names, &m, NULL), 0);
    kb = BIO_new_mem_buf(m.key_pem, -1);
    cr_assert(strstr(m.key_pem, "BEGIN EC PRIVATE KEY") != NULL);
    ca = load_cert(m.ca_pem);
    leaf = load_cert(m.cert_pem);
    X509_STORE_add_cert(store, ca);
    X509_STORE_CTX_init(ctx, store, leaf, NULL);
    cr_assert_eq(X509_verify_cert(ctx), 1, "%s",
                 X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
    cr_assert_eq(X509_check_host(leaf, "localhost", 0, 0, NULL), 1);
    cr_assert_eq(X509_check_host(leaf, "api-sse.cisco.com", 0, 0, NULL), 1);
    cr_assert_eq(X509_check_host(leaf, "visibility.amp.cisco.com", 0, 0, NULL), 1);
    cr_assert_neq(X509_check_host(leaf, "example.com", 0, 0, NULL), 1);
    cr_assert_eq(X509_check_ip_asc(leaf, "127.0.0.1", 0), 1);
    cr_assert_eq(X509_check_ip_asc(leaf, "::1", 0), 1);
    cr_assert_eq(X509_check_ca(ca), 1);
    cr_assert_eq(X509_check_ca(leaf), 0);
    cr_assert_eq(X509_check_purpose(leaf, X509_PURPOSE_SSL_SERVER, 0), 1);
    key = PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL);
    cr_assert_not_null(key);
    cr_assert_eq(X509_check_private_key(leaf, key), 1,
                 "the leaf does not carry the key's public half");
    EVP_PKEY_free(key);
    BIO_free(kb);
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    X509_free(ca);
    X509_free(leaf);
    mk_tls_material_release(&m);
}

Test(tls, each_run_makes_a_new_ca)
{
    struct mk_tls_material a, b;

    cr_assert_eq(mk_tls_generate(NULL, &a, NULL), 0);
    cr_assert_eq(mk_tls_generate(NULL, &b, NULL), 0);
    cr_assert_str_neq(a.ca_pem, b.ca_pem);
    cr_assert_str_neq(a.key_pem, b.key_pem);
    mk_tls_material_release(&a);
    mk_tls_material_release(&b);
}

/* PEM text of what write() writes to a memory BIO. */
static char *pem_of(int (*write)(BIO *, const void *), const void *obj)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *data, *out;
    long n;

    cr_assert(write(b, obj));
    n = BIO_get_mem_data(b, &data);
    out = strndup(data, (size_t)n);
    BIO_free(b);
    return out;
}

static int write_cert(BIO *b, const void *x)
{
    return PEM_write_bio_X509(b, (X509 *)x);
}

static int write_pkcs8(BIO *b, const void *k)
{
    return PEM_write_bio_PrivateKey(b, (EVP_PKEY *)k, NULL, NULL, 0, NULL, NULL);
}

static int write_traditional(BIO *b, const void *k)
{
    return PEM_write_bio_PrivateKey_traditional(b, (EVP_PKEY *)k, NULL, NULL, 0, NULL, NULL);
}

static int write_encrypted(BIO *b, const void *k)
{
    return PEM_write_bio_PKCS8PrivateKey(b, (EVP_PKEY *)k, EVP_aes_128_cbc(), NULL, 0, NULL,
                                         (void *)"sesame");
}

/* A self-signed certificate of key, as `openssl req -x509` makes one. */
static X509 *self_signed(EVP_PKEY *key)
{
    X509 *x = X509_new();

    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char *)"localhost", -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    X509_set_pubkey(x, key);
    cr_assert(X509_sign(x, key, EVP_sha256()));
    return x;
}

/* The user's --cert and --key are checked by GnuTLS (the mocks link no OpenSSL):
 * an RSA pair OpenSSL made is one in both key forms; another key, or a key under
 * a password, is refused with the file's name. */
Test(tls, a_pair_openssl_made_is_checked)
{
    EVP_PKEY *key = EVP_RSA_gen(2048), *other = EVP_EC_gen("P-256");
    X509 *cert = self_signed(key);
    struct mk_tls_material m = {0};
    struct cm_err err = {{0}};
    char *forms[2];
    int i;

    cr_assert(key && other);
    m.cert_pem = pem_of(write_cert, cert);
    forms[0] = pem_of(write_pkcs8, key);
    forms[1] = pem_of(write_traditional, key);
    cr_assert_not_null(strstr(forms[1], "BEGIN RSA PRIVATE KEY"));
    for (i = 0; i < 2; i++) {
        m.key_pem = forms[i];
        cr_assert_eq(mk_tls_check_pair(&m, "c.pem", "k.pem", &err), 0, "%s", err.msg);
        free(forms[i]);
    }
    m.key_pem = pem_of(write_pkcs8, other);
    cr_assert_eq(mk_tls_check_pair(&m, "c.pem", "k.pem", &err), CM_ETLS);
    cr_assert_str_eq(err.msg, "the key in 'k.pem' is not the key of the certificate in 'c.pem'");
    free(m.key_pem);
    m.key_pem = pem_of(write_encrypted, key);
    cr_assert_eq(mk_tls_check_pair(&m, "c.pem", "k.pem", &err), CM_ETLS);
    cr_assert_str_eq(err.msg, "no PEM private key in 'k.pem' (an encrypted key is not read)");
    free(m.key_pem);
    m.key_pem = NULL;
    mk_tls_material_release(&m);
    X509_free(cert);
    EVP_PKEY_free(key);
    EVP_PKEY_free(other);
}
