/*
 * test_dl.c: cm_dl_open fills a table from a library, or fills nothing and
 * says which file or entry point was missing.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "common/dl.h"

static struct {
    size_t (*strlen_)(const char *s);
    int (*abs_)(int v);
} t;

Test(dl, fills_every_member)
{
    const struct cm_dl_sym syms[] = {{"strlen", &t.strlen_}, {"abs", &t.abs_}};
    char msg[256] = "";

    memset(&t, 0, sizeof(t));
    cr_assert_eq(cm_dl_open("libc.so.6", "libc6", syms, 2, msg, sizeof(msg)), 0, "%s", msg);
    cr_assert_eq(t.strlen_("four"), 4);
    cr_assert_eq(t.abs_(-3), 3);
}

Test(dl, a_missing_entry_point_leaves_nothing_filled)
{
    const struct cm_dl_sym syms[] = {{"strlen", &t.strlen_}, {"no_such_entry_point", &t.abs_}};
    char msg[256] = "";

    memset(&t, 0, sizeof(t));
    cr_assert_eq(cm_dl_open("libc.so.6", "libc6", syms, 2, msg, sizeof(msg)), -1);
    cr_assert_str_eq(msg, "libc.so.6 has no no_such_entry_point");
    cr_assert_null(t.strlen_, "the member filled before the missing one is emptied again");
    cr_assert_null(t.abs_);
}

Test(dl, a_missing_file_names_its_package)
{
    const struct cm_dl_sym syms[] = {{"strlen", &t.strlen_}};
    char msg[256] = "";

    memset(&t, 0, sizeof(t));
    cr_assert_eq(cm_dl_open("/nonexistent/libx.so.9", "libx9", syms, 1, msg, sizeof(msg)), -1);
    cr_assert(strncmp(msg, "cannot load /nonexistent/libx.so.9 (libx9): ", 44) == 0, "%s", msg);
    cr_assert_null(t.strlen_);
}
