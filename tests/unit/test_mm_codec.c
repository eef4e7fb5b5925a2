/*
 * test_mm_codec.c: the Mimecast mock's encodings and dates
 * (mock/mimecast/codec.c) and the MC signature (auth1.c, mm_sign): the vendor
 * notes' worked example (section 1.4) must come out byte for byte, base64 in
 * both alphabets refuses what is not canonical, every date form clients send
 * is read, and generated key material has the vendor's shapes.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "test_mm_util.h"

Test(mm_codec, worked_example_signatures)
{
    char sig[64];

    cr_assert_eq(mm_sign("Tue, 24 Nov 2015 12:50:11 UTC", "8578FCFC-A305-4D9A-99CB-F4D5ECEFE297",
                         "/api/ttp/url/get-logs", "00000000-1111-2222-3333-444444444444",
                         "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", sig, sizeof(sig)),
                 0);
    cr_assert_str_eq(sig, "1QCXEsM1rTTNn4hfH98ya9hp3dk=");
    cr_assert_eq(mm_sign("Tue, 24 Nov 2015 12:50:11 GMT", "8578FCFC-A305-4D9A-99CB-F4D5ECEFE297",
                         "/api/account/get-account", "00000000-1111-2222-3333-444444444444",
                         "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", sig, sizeof(sig)),
                 0);
    cr_assert_str_eq(sig, "tZLYBEzNCrGlPk1Rf+fYdOApRRw=");
}

static const char *hex_of(const unsigned char *mac, unsigned n, char *out)
{
    unsigned i;

    for (i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", mac[i]);
    return out;
}

/* RFC 2202 (HMAC-SHA1) and RFC 4231 (HMAC-SHA256) test cases 2 (the data in parts) and 6 (a
 * key longer than a block, hashed first). */
Test(mm_codec, hmac_test_vectors)
{
    const char *jefe[] = {"what do ya ", "want ", "for nothing?"};
    size_t jefe_lens[] = {11, 5, 12};
    const char *big = "Test Using Larger Than Block-Size Key - Hash Key First";
    size_t big_len = strlen(big);
    unsigned char key[131], mac[64];
    char hex[129];

    memset(key, 0xaa, sizeof(key));
    cr_assert_eq(mm_hmac(MM_SHA1, (const unsigned char *)"Jefe", 4, jefe, jefe_lens, 3, mac), 20);
    cr_assert_str_eq(hex_of(mac, 20, hex), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    cr_assert_eq(mm_hmac(MM_SHA256, (const unsigned char *)"Jefe", 4, jefe, jefe_lens, 3, mac), 32);
    cr_assert_str_eq(hex_of(mac, 32, hex),
                     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    cr_assert_eq(mm_hmac(MM_SHA1, key, 80, &big, &big_len, 1, mac), 20);
    cr_assert_str_eq(hex_of(mac, 20, hex), "aa4ae5e15272d00e95705637ce8a3b55ed402112");
    cr_assert_eq(mm_hmac(MM_SHA256, key, 131, &big, &big_len, 1, mac), 32);
    cr_assert_str_eq(hex_of(mac, 32, hex),
                     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

Test(mm_codec, sign_refuses_a_secret_that_is_not_base64)
{
    char sig[64];

    cr_assert_eq(mm_sign("d", "r", "/p", "k", "not base64!", sig, sizeof(sig)), CM_EINVAL);
    cr_assert_eq(mm_sign("d", "r", "/p", "k", "", sig, sizeof(sig)), CM_EINVAL);
}

Test(mm_codec, base64_round_trips_and_refusals)
{
    unsigned char raw[64], back[64];
    char text[128];
    int i, n;

    for (i = 0; i < 64; i++)
        raw[i] = (unsigned char)(i * 37 + 1);
    for (n = 0; n <= 64; n++) {
        cr_assert(mm_b64_encode(raw, (size_t)n, text, sizeof(text)) >= 0);
        cr_assert_eq(mm_b64_decode(text, back, sizeof(back)), n, "std length %d", n);
        cr_assert_eq(memcmp(raw, back, (size_t)n), 0);
        cr_assert(mm_b64url_encode(raw, (size_t)n, text, sizeof(text)) >= 0);
        cr_assert_null(strchr(text, '='));
        cr_assert_eq(mm_b64url_decode(text, back, sizeof(back)), n, "url length %d", n);
        cr_assert_eq(memcmp(raw, back, (size_t)n), 0);
    }
    cr_assert_eq(mm_b64_encode(raw, 3, text, 4), -1, "no room for the NUL");
    cr_assert_eq(mm_b64_decode("abc", back, sizeof(back)), -1, "length not a multiple of 4");
    cr_assert_eq(mm_b64_decode("ab=c", back, sizeof(back)), -1, "padding inside");
    cr_assert_eq(mm_b64_decode("ab_c", back, sizeof(back)), -1, "url alphabet in std");
    cr_assert_eq(mm_b64_decode("QR==", back, sizeof(back)), -1, "non-zero leftover bits");
    cr_assert_eq(mm_b64url_decode("ab+c", back, sizeof(back)), -1, "std alphabet in url");
    cr_assert_eq(mm_b64url_decode("a", back, sizeof(back)), -1, "one sextet");
    cr_assert_eq(mm_b64_decode("AAAAAAAA", back, 5), -1, "does not fit");
}

Test(mm_codec, mc_dates_in_every_form_clients_send)
{
    int64_t ms, want = 1448369411000LL; /* 2015-11-24T12:50:11Z */

    cr_assert_eq(mm_mc_date_parse("Tue, 24 Nov 2015 12:50:11 UTC", &ms), 0);
    cr_assert_eq(ms, want);
    cr_assert_eq(mm_mc_date_parse("Tue, 24 Nov 2015 12:50:11 GMT", &ms), 0);
    cr_assert_eq(ms, want);
    cr_assert_eq(mm_mc_date_parse("24 Nov 2015 12:50:11 +0000", &ms), 0, "no weekday");
    cr_assert_eq(ms, want);
    cr_assert_eq(mm_mc_date_parse("Mon, 2 Mar 2026 09:00:00 UTC", &ms), 0, "one-digit day");
    cr_assert_eq(ms, MMFX_NOW);
    cr_assert_eq(mm_mc_date_parse("Tue, 24 Nov 2015 12:50:11", &ms), CM_EPARSE, "no zone");
    cr_assert_eq(mm_mc_date_parse("Tue, 24 Nov 2015 12:50:11 PST", &ms), CM_EPARSE);
    cr_assert_eq(mm_mc_date_parse("Tue, 24 Foo 2015 12:50:11 UTC", &ms), CM_EPARSE);
    cr_assert_eq(mm_mc_date_parse("Xyz, 24 Nov 2015 12:50:11 UTC", &ms), CM_EPARSE);
    cr_assert_eq(mm_mc_date_parse("Tue, 24 Nov 2015 25:50:11 UTC", &ms), CM_EPARSE);
    cr_assert_eq(mm_mc_date_parse("2015-11-24T12:50:11Z", &ms), CM_EPARSE);
    cr_assert_eq(mm_mc_date_parse("", &ms), CM_EPARSE);
    cr_assert_eq(mm_mc_date_parse(NULL, &ms), CM_EPARSE);
}

Test(mm_codec, mc_date_format_matches_python_strftime)
{
    char out[48];

    mm_mc_date_format(1448369411000LL, out, sizeof(out));
    cr_assert_str_eq(out, "Tue, 24 Nov 2015 12:50:11 UTC");
    mm_mc_date_format(MMFX_NOW, out, sizeof(out));
    cr_assert_str_eq(out, "Mon, 02 Mar 2026 09:00:00 UTC");
}

Test(mm_codec, iso_dates_with_every_offset_form)
{
    int64_t ms;

    cr_assert_eq(mm_iso_parse("2026-03-02T09:00:00+0000", &ms), 0);
    cr_assert_eq(ms, MMFX_NOW);
    cr_assert_eq(mm_iso_parse("2026-03-02T09:00:00Z", &ms), 0);
    cr_assert_eq(ms, MMFX_NOW);
    cr_assert_eq(mm_iso_parse("2026-03-02T09:00:00+00:00", &ms), 0);
    cr_assert_eq(ms, MMFX_NOW);
    cr_assert_eq(mm_iso_parse("2026-03-02T10:00:00+01:00", &ms), 0);
    cr_assert_eq(ms, MMFX_NOW);
    cr_assert_eq(mm_iso_parse("2026-03-02T09:00:00.250Z", &ms), 0);
    cr_assert_eq(ms, MMFX_NOW + 250);
    cr_assert_eq(mm_iso_parse("2026-03-02T09:00:00", &ms), 0, "no zone: UTC");
    cr_assert_eq(ms, MMFX_NOW);
    cr_assert_eq(mm_iso_parse(" 2026-03-02T09:00:00Z ", &ms), 0, "blanks around");
    cr_assert_eq(mm_iso_parse("2026-03-02", &ms), CM_EPARSE);
    cr_assert_eq(mm_iso_parse("yesterday", &ms), CM_EPARSE);
    cr_assert_eq(mm_iso_parse("2026-03-02T09:00:00+0", &ms), CM_EPARSE);
    cr_assert_eq(mm_iso_parse("", &ms), CM_EPARSE);
}

Test(mm_codec, answer_time_layouts)
{
    char out[64];

    mm_time_log(MMFX_NOW, out, sizeof(out));
    cr_assert_str_eq(out, "2026-03-02T09:00:00+0000");
    mm_time_byo(MMFX_NOW + 5, out, sizeof(out));
    cr_assert_str_eq(out, "2026-03-02T09:00:00.005Z[UTC]");
    mm_time_human(MMFX_NOW + 30 * MMFX_MINUTE, out, sizeof(out));
    cr_assert_str_eq(out, "09:30 UTC on 2026-03-02");
    mm_time_human(MMFX_NOW + 30 * MMFX_MINUTE + 15000, out, sizeof(out));
    cr_assert_str_eq(out, "09:30:15 UTC on 2026-03-02");
}

Test(mm_codec, generated_keys_have_the_vendor_shapes)
{
    char ak[MM_ACCESS_KEY_LEN + 1], ak2[MM_ACCESS_KEY_LEN + 1], sk[MM_SECRET_KEY_LEN + 1];
    char uuid[MM_UUID_LEN + 1], an[40];
    unsigned char raw[80];
    size_t i;

    mm_rand_access_key(ak);
    mm_rand_access_key(ak2);
    cr_assert_eq(strlen(ak), 150);
    cr_assert_str_neq(ak, ak2);
    for (i = 0; i < 150; i++)
        cr_assert(isalnum((unsigned char)ak[i]) || ak[i] == '-' || ak[i] == '_', "'%c'", ak[i]);
    mm_rand_secret_key(sk);
    cr_assert_eq(strlen(sk), 88);
    cr_assert_str_eq(sk + 86, "==");
    cr_assert_eq(mm_b64_decode(sk, raw, sizeof(raw)), 64);
    mm_rand_uuid(uuid);
    cr_assert_eq(strlen(uuid), 36);
    cr_assert_eq(uuid[14], '4', "version 4");
    for (i = 0; i < 36; i++)
        cr_assert(i == 8 || i == 13 || i == 18 || i == 23
                      ? uuid[i] == '-'
                      : isxdigit((unsigned char)uuid[i]) && !isupper((unsigned char)uuid[i]));
    mm_rand_alnum(an, sizeof(an), 32);
    cr_assert_eq(strlen(an), 32);
    for (i = 0; i < 32; i++)
        cr_assert(isalnum((unsigned char)an[i]));
}

Test(mm_codec, constant_time_compare)
{
    cr_assert(mm_str_eq_ct("abc", "abc"));
    cr_assert_not(mm_str_eq_ct("abc", "abd"));
    cr_assert_not(mm_str_eq_ct("abc", "ab"));
    cr_assert_not(mm_str_eq_ct("", "a"));
    cr_assert(mm_str_eq_ct("", ""));
    cr_assert(mm_mem_eq_ct("ab\0c", "ab\0c", 4));
    cr_assert_not(mm_mem_eq_ct("ab\0c", "ab\0d", 4), "bytes after a NUL count");
    cr_assert_not(mm_mem_eq_ct("\x80", "\x00", 1));
    cr_assert(mm_mem_eq_ct("x", "y", 0));
}
