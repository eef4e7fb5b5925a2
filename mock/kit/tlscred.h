/*
 * tlscred.h: one parsed leaf certificate and key for every HTTPS listener of
 * the process.
 *
 * Given the PEMs, libmicrohttpd loads them into GnuTLS once per listener, and
 * GnuTLS then proves the key matches the certificate by signing and verifying
 * a test message: about 4M instructions a listener, half of the start-up of a
 * process with eight HTTPS services. Through the certificate callback
 * (MHD_OPTION_HTTPS_CERT_CALLBACK) the listeners share one parse instead.
 *
 * The callback carries no pointer of ours, so the parse lives in one slot per
 * process. mk_tlscred_acquire() fills it, or shares it when the same material
 * is already there, and returns the callback; it returns NULL when another
 * runtime of the process holds the slot with other material, or when GnuTLS
 * cannot parse the PEMs: the listener then passes the PEMs as before (and a
 * parse error is reported there). Each successful acquire is paired with one
 * mk_tlscred_release() after the listener's daemon has stopped.
 *
 * GnuTLS comes with libmicrohttpd (Debian's libmicrohttpd-dev depends on
 * libgnutls28-dev): the callback's types are GnuTLS's.
 */
#ifndef MK_TLSCRED_H
#define MK_TLSCRED_H

#include <gnutls/abstract.h>

#include "mock/kit/tls.h"

gnutls_certificate_retrieve_function2 *mk_tlscred_acquire(const struct mk_tls_material *m);
void mk_tlscred_release(const struct mk_tls_material *m);

#endif
