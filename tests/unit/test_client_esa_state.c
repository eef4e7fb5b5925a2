/*
 * test_client_esa_state.c: the appliance state file of `secmock client esa`:
 * defaults, round trip, pending versus committed settings, lenient reading
 * with errors that name the member, atomic replacement, and the SSE regions.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/esa_state.h"
#include "common/fsutil.h"

static char dir[64], path[128];

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/secmock-esast-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/esa-state.json", dir);
}

static void teardown(void)
{
    char cmd[160];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(client_esa_state, .init = setup, .fini = teardown);

static void write_file(const char *text)
{
    cr_assert_eq(cm_write_file_atomic(path, text, strlen(text)), 0);
}

Test(client_esa_state, a_fresh_appliance_is_the_tech_notes_lab_esa)
{
    struct rc_esa_state st;

    rc_esa_state_init(&st, 1589457600000LL);
    cr_assert_str_eq(st.appliance.name, "esa03.mex-amp.inlab");
    cr_assert_str_eq(st.appliance.version, "13.0.0-392");
    cr_assert_str_eq(st.appliance.model, "C100V");
    cr_assert_eq(st.appliance.install_date_ms, 1589457600000LL);
    cr_assert_eq(st.committed.cloud_services, 0);
    cr_assert_str_eq(st.committed.server, "nam", "AMERICAS is the default selection");
    cr_assert_eq(st.has_pending, 0);
    cr_assert_eq(st.reg.status, RC_ESA_REG_NONE);
}

Test(client_esa_state, pending_changes_wait_for_commit)
{
    struct rc_esa_state st, back;
    struct rc_esa_settings *p;
    struct cm_err err = {{0}};

    rc_esa_state_init(&st, 0);
    p = rc_esa_state_editable(&st);
    cr_assert_eq(rc_esa_state_uncommitted(&st), 0, "an untouched copy is nothing to commit");
    p->cloud_services = 1;
    snprintf(p->server, sizeof(p->server), "eu");
    cr_assert(rc_esa_state_uncommitted(&st));
    cr_assert_eq(st.committed.cloud_services, 0, "the committed settings do not move");
    cr_assert_eq(rc_esa_state_editable(&st), p, "a second change edits the same pending set");
    cr_assert_eq(rc_esa_state_save(path, &st, &err), 0, "%s", err.msg);
    cr_assert_eq(rc_esa_state_load(path, &back, &err), 0, "%s", err.msg);
    cr_assert(back.has_pending);
    cr_assert_eq(back.pending.cloud_services, 1);
    cr_assert_str_eq(back.pending.server, "eu");
    cr_assert_eq(back.committed.cloud_services, 0);
    /* commit: pending becomes committed */
    back.committed = back.pending;
    back.has_pending = 0;
    cr_assert_eq(rc_esa_state_save(path, &back, &err), 0);
    cr_assert_eq(rc_esa_state_load(path, &st, &err), 0);
    cr_assert_eq(st.has_pending, 0);
    cr_assert_eq(st.committed.cloud_services, 1);
    cr_assert_str_eq(st.committed.server, "eu");
}

Test(client_esa_state, the_registration_round_trips)
{
    struct rc_esa_state st, back;
    struct cm_err err = {{0}};
    char *text = NULL;
    size_t len;

    rc_esa_state_init(&st, 5);
    st.reg.status = RC_ESA_REG_REGISTERED;
    snprintf(st.reg.server, sizeof(st.reg.server), "nam");
    snprintf(st.reg.base_url, sizeof(st.reg.base_url), "https://127.0.0.1:4000");
    snprintf(st.reg.device_id, sizeof(st.reg.device_id), "874141f7-903f-4be9-b14e-45a7f34a2032");
    snprintf(st.reg.device_token, sizeof(st.reg.device_token), "%064d", 7);
    st.busy_until_ms = 60000;
    cr_assert_eq(rc_esa_state_save(path, &st, &err), 0);
    cr_assert_eq(cm_read_file(path, 1 << 20, &text, &len), 0);
    cr_assert_not_null(strstr(text, "\"status\":\t\"registered\""), "%s", text);
    cr_assert_null(strstr(text, "\"pending\""), "nothing pending, nothing written");
    free(text);
    cr_assert_eq(rc_esa_state_load(path, &back, &err), 0);
    cr_assert_eq(back.reg.status, RC_ESA_REG_REGISTERED);
    cr_assert_str_eq(back.reg.device_id, st.reg.device_id);
    cr_assert_str_eq(back.reg.device_token, st.reg.device_token);
    cr_assert_eq(back.busy_until_ms, 60000);
    cr_assert_eq(back.appliance.install_date_ms, 5);
}

Test(client_esa_state, a_hand_written_file_is_read_leniently)
{
    struct rc_esa_state st;
    struct cm_err err = {{0}};

    write_file("{\"appliance\": {\"name\": \"esa01.example.com\", \"extra\": 1},"
               " \"committed\": {\"cloud_services\": true}, \"comment\": \"mine\"}");
    cr_assert_eq(rc_esa_state_load(path, &st, &err), 0, "%s", err.msg);
    cr_assert_str_eq(st.appliance.name, "esa01.example.com");
    cr_assert_str_eq(st.appliance.model, "C100V", "missing members keep their default");
    cr_assert_eq(st.committed.cloud_services, 1);
    cr_assert_str_eq(st.committed.server, "nam");
}

Test(client_esa_state, errors_name_the_member)
{
    struct rc_esa_state st;
    struct cm_err err = {{0}};

    cr_assert_eq(rc_esa_state_load(path, &st, &err), CM_ENOENT);
    write_file("{\"committed\": {\"cloud_services\": \"yes\"}}");
    cr_assert_eq(rc_esa_state_load(path, &st, &err), CM_EPARSE);
    cr_assert_not_null(strstr(err.msg, "committed.cloud_services: expected true or false"), "%s",
                       err.msg);
    write_file("{\"registration\": {\"status\": \"maybe\"}}");
    cr_assert_eq(rc_esa_state_load(path, &st, &err), CM_EPARSE);
    cr_assert_not_null(strstr(err.msg, "registration.status: expected none, in_progress"), "%s",
                       err.msg);
    write_file("[1]");
    cr_assert_eq(rc_esa_state_load(path, &st, &err), CM_EPARSE);
    cr_assert_not_null(strstr(err.msg, "not an appliance state file"), "%s", err.msg);
    write_file("{\"appliance\": {\"serial\": 42}}");
    cr_assert_eq(rc_esa_state_load(path, &st, &err), CM_EPARSE);
    cr_assert_not_null(strstr(err.msg, "appliance.serial: expected a string"), "%s", err.msg);
}

Test(client_esa_state, regions_and_labels)
{
    char label[128];

    cr_assert_str_eq(rc_esa_region_find("AMERICAS")->name, "nam");
    cr_assert_str_eq(rc_esa_region_find("EUROPE (api.eu.sse.itd.cisco.com)")->name, "eu");
    cr_assert_str_eq(rc_esa_region_find("api.apj.sse.itd.cisco.com")->name, "apjc");
    cr_assert_str_eq(rc_esa_region_find("eu")->portal, "https://admin.eu.sse.itd.cisco.com/");
    cr_assert_null(rc_esa_region_find("https://127.0.0.1:4000"));
    cr_assert_null(rc_esa_region_find("moon"));
    rc_esa_server_label("nam", label, sizeof(label));
    cr_assert_str_eq(label, "AMERICAS (api-sse.cisco.com)");
    rc_esa_server_label("https://127.0.0.1:4000", label, sizeof(label));
    cr_assert_str_eq(label, "https://127.0.0.1:4000");
    cr_assert_str_eq(rc_esa_server_region("EUROPE"), "eu");
    cr_assert_null(rc_esa_server_region("https://x"));
    cr_assert_str_eq(rc_esa_reg_status_name(RC_ESA_REG_IN_PROGRESS), "in_progress");
}
