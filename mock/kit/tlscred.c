/*
 * tlscred.c: the process's one parsed leaf, handed to every HTTPS listener by
 * GnuTLS's certificate callback.
 */
#include "mock/kit/tlscred.h"

#include <pthread.h>
#include <string.h>

static struct {
    pthread_mutex_t lock;
    const struct mk_tls_material *owner; /* NULL: the slot is free */
    unsigned refs;
    gnutls_pcert_st pcert;
    gnutls_privkey_t key;
} slot = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Written only while no listener uses the slot, so GnuTLS's threads read it
 * without the lock (each daemon's threads start after the slot was filled). */
static int give_leaf(gnutls_session_t session, const gnutls_datum_t *req_ca_rdn, int nreqs,
                     const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length,
                     gnutls_pcert_st **pcert, unsigned int *pcert_length, gnutls_privkey_t *privkey)
{
    (void)session, (void)req_ca_rdn, (void)nreqs, (void)pk_algos, (void)pk_algos_length;
    *pcert = &slot.pcert;
    *pcert_length = 1;
    *privkey = slot.key;
    return 0;
}

static int parse(const struct mk_tls_material *m)
{
    gnutls_datum_t cert = {(unsigned char *)m->cert_pem, (unsigned)strlen(m->cert_pem)};
    gnutls_datum_t key = {(unsigned char *)m->key_pem, (unsigned)strlen(m->key_pem)};

    if (gnutls_pcert_import_x509_raw(&slot.pcert, &cert, GNUTLS_X509_FMT_PEM, 0) < 0)
        return -1;
    if (gnutls_privkey_init(&slot.key) < 0) {
        gnutls_pcert_deinit(&slot.pcert);
        return -1;
    }
    if (gnutls_privkey_import_x509_raw(slot.key, &key, GNUTLS_X509_FMT_PEM, NULL, 0) < 0) {
        gnutls_privkey_deinit(slot.key);
        gnutls_pcert_deinit(&slot.pcert);
        return -1;
    }
    return 0;
}

gnutls_certificate_retrieve_function2 *mk_tlscred_acquire(const struct mk_tls_material *m)
{
    gnutls_certificate_retrieve_function2 *cb = NULL;

    if (m == NULL || m->cert_pem == NULL || m->key_pem == NULL)
        return NULL;
    pthread_mutex_lock(&slot.lock);
    if (slot.owner == NULL && parse(m) == 0)
        slot.owner = m;
    if (slot.owner == m) {
        slot.refs++;
        cb = give_leaf;
    }
    pthread_mutex_unlock(&slot.lock);
    return cb;
}

void mk_tlscred_release(const struct mk_tls_material *m)
{
    pthread_mutex_lock(&slot.lock);
    if (slot.owner == m && slot.refs > 0 && --slot.refs == 0) {
        gnutls_privkey_deinit(slot.key);
        gnutls_pcert_deinit(&slot.pcert);
        slot.owner = NULL;
    }
    pthread_mutex_unlock(&slot.lock);
}
