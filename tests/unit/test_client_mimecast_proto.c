/*
 * test_client_mimecast_proto.c: the client's own Mimecast wire pieces: the
 * worked signing example of shared/vendor/mimecast.md section 1.4 (both
 * vectors), the RFC 2202 HMAC-SHA1 vectors through the same base64, RFC 1123
 * dates with "UTC", log-time formatting and parsing, strict base64, GUIDs
 * and form escaping.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "client/mimecast_proto.h"
#include "common/buf.h"
#include "common/error.h"

static const char example_secret[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

Test(client_mimecast_proto, worked_example_of_the_vendor_notes)
{
    unsigned char key[64];
    size_t len = 0;
    char sig[RC_MM_SIG_SIZE];
    struct cm_buf b;

    cr_assert_eq(rc_mm_b64_decode(example_secret, key, sizeof(key), &len), 0);
    cr_assert_eq(len, 32);
    for (size_t i = 0; i < len; i++)
        cr_assert_eq(key[i], i);
    cm_buf_init(&b, 0);
    rc_mm_string_to_sign(&b, "Tue, 24 Nov 2015 12:50:11 UTC",
                         "8578FCFC-A305-4D9A-99CB-F4D5ECEFE297", "/api/ttp/url/get-logs",
                         "00000000-1111-2222-3333-444444444444");
    cr_assert_str_eq(cm_buf_str(&b),
                     "Tue, 24 Nov 2015 12:50:11 UTC:8578FCFC-A305-4D9A-99CB-F4D5ECEFE297:/api/ttp/"
                     "url/get-logs:00000000-1111-2222-3333-444444444444");
    cm_buf_release(&b);
    cr_assert_eq(rc_mm_sign(key, len, "Tue, 24 Nov 2015 12:50:11 UTC",
                            "8578FCFC-A305-4D9A-99CB-F4D5ECEFE297", "/api/ttp/url/get-logs",
                            "00000000-1111-2222-3333-444444444444", sig),
                 0);
    cr_assert_str_eq(sig, "1QCXEsM1rTTNn4hfH98ya9hp3dk=");
    cr_assert_eq(rc_mm_sign(key, len, "Tue, 24 Nov 2015 12:50:11 GMT",
                            "8578FCFC-A305-4D9A-99CB-F4D5ECEFE297", "/api/account/get-account",
                            "00000000-1111-2222-3333-444444444444", sig),
                 0);
    cr_assert_str_eq(sig, "tZLYBEzNCrGlPk1Rf+fYdOApRRw=");
}

Test(client_mimecast_proto, empty_parts_are_still_joined_with_colons)
{
    unsigned char key[20];
    char out[RC_MM_SIG_SIZE];

    /* RFC 2202 test 1's key; the signed data is "Hi There:::" (Python hmac gives the value;
     * the bare "Hi There" would give thcxhlUFcmTii8C2+zeMjvFGvgA=). */
    memset(key, 0x0b, sizeof(key));
    cr_assert_eq(rc_mm_sign(key, sizeof(key), "Hi There", "", "", "", out), 0);
    cr_assert_str_eq(out, "77ZGD2wjDU+HggR7olGqY3Mmt4k=");
}

Test(client_mimecast_proto, date_is_rfc1123_with_utc)
{
    char d[RC_MM_DATE_SIZE];

    rc_mm_date_rfc1123(1448369411000LL, d); /* 2015-11-24T12:50:11Z */
    cr_assert_str_eq(d, "Tue, 24 Nov 2015 12:50:11 UTC");
    rc_mm_date_rfc1123(1772442000999LL, d); /* 2026-03-02T09:00:00.999Z */
    cr_assert_str_eq(d, "Mon, 02 Mar 2026 09:00:00 UTC");
    rc_mm_date_rfc1123(0, d);
    cr_assert_str_eq(d, "Thu, 01 Jan 1970 00:00:00 UTC");
    rc_mm_date_rfc1123(951782400000LL, d); /* 2000-02-29 */
    cr_assert_str_eq(d, "Tue, 29 Feb 2000 00:00:00 UTC");
    rc_mm_date_rfc1123(1767225599000LL, d);
    cr_assert_str_eq(d, "Wed, 31 Dec 2025 23:59:59 UTC");
}

Test(client_mimecast_proto, log_times_round_trip)
{
    char t[RC_MM_TIME_SIZE];
    int64_t ms = 0;

    rc_mm_time_format(1447685358000LL, t);
    cr_assert_str_eq(t, "2015-11-16T14:49:18+0000");
    cr_assert_eq(rc_mm_time_parse("2015-11-16T14:49:18+0000", &ms), 0);
    cr_assert_eq(ms, 1447685358000LL);
    cr_assert_eq(rc_mm_time_parse("2015-11-16T14:49:18Z", &ms), 0);
    cr_assert_eq(ms, 1447685358000LL);
    cr_assert_eq(rc_mm_time_parse("2015-11-16T15:49:18+01:00", &ms), 0);
    cr_assert_eq(ms, 1447685358000LL);
    cr_assert_eq(rc_mm_time_parse("2015-11-16T09:49:18-0500", &ms), 0);
    cr_assert_eq(ms, 1447685358000LL);
    cr_assert_eq(rc_mm_time_parse("2015-11-16T14:49:18.250Z", &ms), 0);
    cr_assert_eq(ms, 1447685358250LL);
    cr_assert_eq(rc_mm_time_parse("2015-11-16T14:49:18", &ms), CM_EPARSE, "a zone is required");
    cr_assert_eq(rc_mm_time_parse("2015-13-16T14:49:18Z", &ms), CM_EPARSE);
    cr_assert_eq(rc_mm_time_parse("2015-11-16T14:49:18+0000x", &ms), CM_EPARSE);
    cr_assert_eq(rc_mm_time_parse("yesterday", &ms), CM_EPARSE);
    cr_assert_eq(rc_mm_time_parse(NULL, &ms), CM_EPARSE);
}

Test(client_mimecast_proto, base64_is_strict_and_round_trips)
{
    unsigned char out[8];
    char enc[16];
    size_t n = 0;

    rc_mm_b64_encode((const unsigned char *)"Jefe", 4, enc, sizeof(enc));
    cr_assert_str_eq(enc, "SmVmZQ==");
    cr_assert_eq(rc_mm_b64_decode("SmVmZQ==", out, sizeof(out), &n), 0);
    cr_assert_eq(n, 4);
    cr_assert_eq(memcmp(out, "Jefe", 4), 0);
    rc_mm_b64_encode((const unsigned char *)"ab", 2, enc, sizeof(enc));
    cr_assert_str_eq(enc, "YWI=");
    rc_mm_b64_encode((const unsigned char *)"abc", 3, enc, sizeof(enc));
    cr_assert_str_eq(enc, "YWJj");
    cr_assert_eq(rc_mm_b64_decode("YWI=", out, sizeof(out), &n), 0);
    cr_assert_eq(n, 2);
    cr_assert_eq(rc_mm_b64_decode("YWI", out, sizeof(out), &n), CM_EPARSE);
    cr_assert_eq(rc_mm_b64_decode("Y=I=", out, sizeof(out), &n), CM_EPARSE);
    cr_assert_eq(rc_mm_b64_decode("YW I=", out, sizeof(out), &n), CM_EPARSE);
    cr_assert_eq(rc_mm_b64_decode("YWI=YWI=", out, sizeof(out), &n), CM_EPARSE,
                 "padding only at the end");
    cr_assert_eq(rc_mm_b64_decode("not-base64!", out, sizeof(out), &n), CM_EPARSE);
    cr_assert_eq(rc_mm_b64_decode("", out, sizeof(out), &n), CM_EPARSE);
    cr_assert_eq(rc_mm_b64_decode("YWJjYWJjYWJj", out, 4, &n), CM_ETOOBIG);
}

Test(client_mimecast_proto, guids_are_fresh_and_shaped)
{
    char a[RC_MM_GUID_SIZE], b[RC_MM_GUID_SIZE];
    size_t i;

    rc_mm_guid(a);
    rc_mm_guid(b);
    cr_assert_str_neq(a, b);
    cr_assert_eq(strlen(a), 36);
    for (i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            cr_assert_eq(a[i], '-');
        else
            cr_assert(strchr("0123456789ABCDEF", a[i]) != NULL, "%s", a);
    }
    cr_assert_eq(a[14], '4', "version 4");
}

Test(client_mimecast_proto, form_escaping)
{
    struct cm_buf b;

    cm_buf_init(&b, 0);
    rc_mm_form_escape(&b, "a b+c/d=e&f~g_h.i-j");
    cr_assert_str_eq(cm_buf_str(&b), "a%20b%2Bc%2Fd%3De%26f~g_h.i-j");
    cm_buf_release(&b);
}

Test(client_mimecast_proto, sha256_hex)
{
    char hex[65];

    rc_mm_sha256_hex("abc", 3, hex, 64);
    cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    rc_mm_sha256_hex("abc", 3, hex, 8);
    cr_assert_str_eq(hex, "ba7816bf");
}
