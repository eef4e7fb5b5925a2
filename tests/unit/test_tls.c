/*
 * test_tls.c: the throwaway certificates verify as a client would verify
 * them: leaf signed by the CA, named for localhost, 127.0.0.1 and the vendor
 * host names, usable for TLS servers only.
 */
#include <criterion/criterion.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
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
