/*
 * tls.h: throwaway certificates for HTTPS listeners, made with GnuTLS.
 *
 * mk_tls_generate() makes a CA and a leaf certificate signed by it (P-256
 * keys: well under a millisecond to make, unlike RSA) for the given DNS names
 * plus localhost, 127.0.0.1 and ::1, valid 20 years either side of now (a
 * client under libfaketime checks them at a scenario's virtual time). The CA
 * is what a client trusts (curl --cacert, SECMOCK_CA_FILE).
 */
#ifndef MK_TLS_H
#define MK_TLS_H

#include "common/error.h"

struct mk_tls_material {
    char *ca_pem;   /* caller frees all three with mk_tls_material_release() */
    char *cert_pem; /* leaf */
    char *key_pem;  /* leaf private key: SEC 1 when generated, as given when loaded */
};

/* names: NULL-terminated DNS names to add to the leaf (may be NULL). */
int mk_tls_generate(const char *const *names, struct mk_tls_material *out, struct cm_err *err);
/* For a pair the user gave (--cert, --key): both parse, and the key is the
 * certificate's. The names are for the error message. */
int mk_tls_check_pair(const struct mk_tls_material *m, const char *cert_name, const char *key_name,
                      struct cm_err *err);
void mk_tls_material_release(struct mk_tls_material *m);

#endif
