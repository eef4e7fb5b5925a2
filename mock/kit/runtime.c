/*
 * runtime.c: the set of services of one process, their start-up, state
 * loading, reset and the ready file.
 */
#include "mock/kit/internal.h"

#include "common/fsutil.h"
#include "common/json.h"
#include "common/log.h"
#include "common/mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static const char *own(struct mk_runtime *rt, const char *s)
{
    if (s == NULL)
        return NULL;
    rt->owned[rt->nowned] = cm_strdup(s);
    return rt->owned[rt->nowned++];
}

struct mk_runtime *mk_runtime_new(const struct mk_runtime_config *cfg)
{
    struct mk_runtime *rt = cm_calloc(1, sizeof(*rt));

    rt->cfg = *cfg;
    rt->cfg.bind = own(rt, cfg->bind ? cfg->bind : "127.0.0.1");
    rt->cfg.admin_bind = own(rt, cfg->admin_bind ? cfg->admin_bind : "127.0.0.1");
    rt->cfg.admin_token = own(rt, cfg->admin_token);
    rt->cfg.tls_dir = own(rt, cfg->tls_dir);
    rt->cfg.cert_file = own(rt, cfg->cert_file);
    rt->cfg.key_file = own(rt, cfg->key_file);
    rt->cfg.ca_file = own(rt, cfg->ca_file);
    if (rt->cfg.body_max == 0)
        rt->cfg.body_max = MK_BODY_MAX_DEFAULT;
    if (rt->cfg.journal_max == 0)
        rt->cfg.journal_max = MK_JOURNAL_DEFAULT;
    if (rt->cfg.conn_timeout == 0)
        rt->cfg.conn_timeout = MK_CONN_TIMEOUT_DEFAULT;
    mk_clock_init(&rt->clock, NULL);
    mk_journal_init(&rt->journal, rt->cfg.journal_max);
    mk_faults_init(&rt->faults);
    rt->admin.fd = -1;
    return rt;
}

void mk_runtime_free(struct mk_runtime *rt)
{
    int i;

    if (rt == NULL)
        return;
    mk__unlisten(&rt->admin);
    for (i = 0; i < rt->nservices; i++)
        mk__unlisten(&rt->listeners[i]);
    for (i = 0; i < rt->nservices; i++) {
        struct mk_service *svc = rt->services[i];
        if (svc->ops->destroy)
            svc->ops->destroy(svc);
        cJSON_Delete(svc->initial);
        pthread_mutex_destroy(&svc->lock);
        free(svc);
    }
    if (rt->tls_dir_made) {
        unlink(rt->ca_file);
        rmdir(rt->tls_dir);
    }
    mk_tls_material_release(&rt->tls);
    mk_faults_release(&rt->faults);
    mk_journal_release(&rt->journal);
    mk_clock_release(&rt->clock);
    for (i = 0; i < rt->nowned; i++)
        free(rt->owned[i]);
    free(rt);
}

int mk_runtime_add(struct mk_runtime *rt, const char *name, int port, int tls, struct cm_err *err)
{
    const struct mk_service_ops *ops;
    struct mk_service *svc;
    char variant[16];
    int rc;

    if (rt->started)
        return cm_fail(err, CM_ESTATE, "cannot add service '%s' after start", name);
    if (mk_runtime_find(rt, name))
        return cm_fail(err, CM_EEXIST, "service '%s' is listed twice", name);
    if (rt->nservices >= MK_MAX_SERVICES)
        return cm_fail(err, CM_ETOOBIG, "too many services (at most %d)", MK_MAX_SERVICES);
    rc = mk_service_resolve(name, &ops, variant, sizeof(variant), err);
    if (rc)
        return rc;
    svc = cm_calloc(1, sizeof(*svc));
    svc->ops = ops;
    cm_strlcpy(svc->name, name, sizeof(svc->name));
    cm_strlcpy(svc->variant, variant, sizeof(svc->variant));
    svc->rt = rt;
    svc->tls = tls < 0 ? ops->default_tls : tls;
    pthread_mutex_init(&svc->lock, NULL);
    rc = ops->create(svc, err);
    if (rc) {
        pthread_mutex_destroy(&svc->lock);
        free(svc);
        return rc;
    }
    svc->initial = ops->dump(svc);
    rt->requested_port[rt->nservices] = port;
    rt->services[rt->nservices++] = svc;
    return 0;
}

int mk__service_load(struct mk_service *svc, const cJSON *doc, struct cm_err *err)
{
    struct cm_err inner;
    int rc;

    pthread_mutex_lock(&svc->lock);
    rc = svc->ops->load(svc, doc, &inner);
    pthread_mutex_unlock(&svc->lock);
    if (rc)
        return cm_fail(err, rc, "state of '%s': %s", svc->name, inner.msg);
    return 0;
}

int mk_runtime_load(struct mk_runtime *rt, const cJSON *doc, struct cm_err *err)
{
    const cJSON *it;
    int rc;

    if (!cJSON_IsObject(doc))
        return cm_fail(err, CM_EINVAL, "state: expected an object keyed by service name");
    cJSON_ArrayForEach(it, doc)
    {
        if (mk_runtime_find(rt, it->string) == NULL)
            return cm_fail(err, CM_ENOENT, "state: '%s' is not a service of this process",
                           it->string);
    }
    cJSON_ArrayForEach(it, doc)
    {
        struct mk_service *svc = mk_runtime_find(rt, it->string);
        rc = mk__service_load(svc, it, err);
        if (rc)
            return rc;
        cJSON_Delete(svc->initial);
        svc->initial = cJSON_Duplicate(it, 1);
    }
    return 0;
}

int mk__runtime_reset(struct mk_runtime *rt, struct cm_err *err)
{
    int i, rc;

    for (i = 0; i < rt->nservices; i++) {
        rc = mk__service_load(rt->services[i], rt->services[i]->initial, err);
        if (rc)
            return rc;
    }
    mk_journal_clear(&rt->journal);
    mk_faults_clear(&rt->faults, 0);
    return 0;
}

static int prepare_tls(struct mk_runtime *rt, struct cm_err *err)
{
    const char *names[64];
    size_t n = 0, len;
    int i, j, rc;

    if (rt->cfg.cert_file) {
        if (rt->cfg.key_file == NULL)
            return cm_fail(err, CM_EINVAL, "--cert needs --key");
        rc = cm_read_file(rt->cfg.cert_file, 1 << 20, &rt->tls.cert_pem, &len);
        if (rc)
            return cm_fail(err, rc, "cannot read certificate '%s': %s", rt->cfg.cert_file,
                           cm_strerror(rc));
        rc = cm_read_file(rt->cfg.key_file, 1 << 20, &rt->tls.key_pem, &len);
        if (rc)
            return cm_fail(err, rc, "cannot read key '%s': %s", rt->cfg.key_file, cm_strerror(rc));
        rc = mk_tls_check_pair(&rt->tls, rt->cfg.cert_file, rt->cfg.key_file, err);
        if (rc)
            return rc;
        if (rt->cfg.ca_file)
            cm_strlcpy(rt->ca_file, rt->cfg.ca_file, sizeof(rt->ca_file));
        return 0;
    }
    for (i = 0; i < rt->nservices; i++) {
        const char *const *h = rt->services[i]->ops->hostnames;
        for (j = 0; h && h[j] && n < 63; j++)
            names[n++] = h[j];
    }
    names[n] = NULL;
    rc = mk_tls_generate(names, &rt->tls, err);
    if (rc)
        return rc;
    if (rt->cfg.tls_dir) {
        cm_strlcpy(rt->tls_dir, rt->cfg.tls_dir, sizeof(rt->tls_dir));
        if (cm_mkdir_p(rt->tls_dir) != 0)
            return cm_fail(err, CM_EIO, "cannot create folder '%s'", rt->tls_dir);
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(rt->tls_dir, sizeof(rt->tls_dir), "%s/secmock-tls-XXXXXX",
                 tmp && *tmp ? tmp : "/tmp");
        if (mkdtemp(rt->tls_dir) == NULL)
            return cm_fail(err, CM_EIO, "cannot create a folder for the CA: %s", strerror(errno));
        rt->tls_dir_made = 1;
    }
    if (strlen(rt->tls_dir) + sizeof("/ca.pem") > sizeof(rt->ca_file))
        return cm_fail(err, CM_EINVAL, "TLS folder path too long");
    memcpy(rt->ca_file, rt->tls_dir, strlen(rt->tls_dir));
    memcpy(rt->ca_file + strlen(rt->tls_dir), "/ca.pem", sizeof("/ca.pem"));
    rc = cm_write_file_replace(rt->ca_file, rt->tls.ca_pem, strlen(rt->tls.ca_pem));
    if (rc)
        return cm_fail(err, rc, "cannot write the CA to '%s'", rt->ca_file);
    return 0;
}

static int loopback(const char *addr)
{
    return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0;
}

int mk_runtime_start(struct mk_runtime *rt, struct cm_err *err)
{
    int i, rc, any_tls = 0;

    if (!loopback(rt->cfg.admin_bind) &&
        (rt->cfg.admin_token == NULL || rt->cfg.admin_token[0] == '\0'))
        return cm_fail(err, CM_EAUTH,
                       "refusing to serve the admin API on %s without a token: set "
                       "--admin-token or SECMOCK_ADMIN_TOKEN, or bind it to 127.0.0.1",
                       rt->cfg.admin_bind);
    for (i = 0; i < rt->nservices; i++)
        any_tls |= rt->services[i]->tls;
    if (any_tls && (rc = prepare_tls(rt, err)) != 0)
        return rc;
    for (i = 0; i < rt->nservices; i++) {
        struct mk_service *svc = rt->services[i];
        struct mk_listener *l = &rt->listeners[i];
        const char *host = rt->cfg.bind;
        l->svc = svc;
        rc = mk__listen(rt, l, host, rt->requested_port[i], svc->tls, err);
        if (rc) {
            char msg[sizeof(err->msg)];
            cm_strlcpy(msg, err ? err->msg : "", sizeof(msg));
            return cm_fail(err, rc, "service '%s': %s", svc->name, msg);
        }
        svc->port = l->port;
        snprintf(svc->url, sizeof(svc->url), strchr(host, ':') ? "%s://[%s]:%d" : "%s://%s:%d",
                 svc->tls ? "https" : "http", host, l->port);
    }
    rc = mk__listen(rt, &rt->admin, rt->cfg.admin_bind, rt->cfg.admin_port, 0, err);
    if (rc) {
        char msg[sizeof(err->msg)];
        cm_strlcpy(msg, err ? err->msg : "", sizeof(msg));
        return cm_fail(err, rc, "admin API: %s", msg);
    }
    snprintf(rt->admin_url, sizeof(rt->admin_url),
             strchr(rt->cfg.admin_bind, ':') ? "http://[%s]:%d" : "http://%s:%d",
             rt->cfg.admin_bind, rt->admin.port);
    rt->started = 1;
    return 0;
}

cJSON *mk_runtime_describe(struct mk_runtime *rt)
{
    cJSON *doc = cJSON_CreateObject(), *svcs;
    int i;

    cJSON_AddNumberToObject(doc, "pid", (double)getpid());
    cJSON_AddStringToObject(doc, "admin", rt->admin_url);
    if (rt->ca_file[0])
        cJSON_AddStringToObject(doc, "ca_file", rt->ca_file);
    else
        cJSON_AddNullToObject(doc, "ca_file");
    svcs = cJSON_AddObjectToObject(doc, "services");
    for (i = 0; i < rt->nservices; i++)
        cJSON_AddStringToObject(svcs, rt->services[i]->name, rt->services[i]->url);
    return doc;
}

int mk_runtime_write_ready(struct mk_runtime *rt, const char *path, struct cm_err *err)
{
    cJSON *doc = mk_runtime_describe(rt);
    char *text = cm_json_print(doc);
    int rc;

    cJSON_Delete(doc);
    rc = cm_write_file_replace(path, text, strlen(text));
    free(text);
    if (rc)
        return cm_fail(err, rc, "cannot write the ready file '%s'", path);
    return 0;
}

struct mk_service *mk_runtime_find(struct mk_runtime *rt, const char *name)
{
    int i;

    for (i = 0; i < rt->nservices; i++)
        if (strcmp(rt->services[i]->name, name) == 0)
            return rt->services[i];
    return NULL;
}

struct mk_clock *mk_runtime_clock(struct mk_runtime *rt)
{
    return &rt->clock;
}

struct mk_journal *mk_runtime_journal(struct mk_runtime *rt)
{
    return &rt->journal;
}

struct mk_faults *mk_runtime_faults(struct mk_runtime *rt)
{
    return &rt->faults;
}

const char *mk_runtime_admin_url(struct mk_runtime *rt)
{
    return rt->admin_url;
}

const char *mk_runtime_ca_file(struct mk_runtime *rt)
{
    return rt->ca_file[0] ? rt->ca_file : NULL;
}

/* ---- service helpers (service.h) ---- */

int mk_service_resolve(const char *name, const struct mk_service_ops **ops, char *variant,
                       size_t variant_size, struct cm_err *err)
{
    const char *dash = strchr(name, '-');
    size_t tlen = dash ? (size_t)(dash - name) : strlen(name);
    char known[256];
    size_t i, off = 0;

    for (i = 0; mk_service_types[i]; i++) {
        const struct mk_service_ops *o = mk_service_types[i];
        const char *const *v;
        if (strlen(o->type) != tlen || strncmp(o->type, name, tlen) != 0)
            continue;
        if (dash == NULL) {
            *ops = o;
            cm_strlcpy(variant, o->default_variant ? o->default_variant : "", variant_size);
            return 0;
        }
        for (v = o->variants; v && *v; v++) {
            if (strcmp(*v, dash + 1) == 0) {
                *ops = o;
                cm_strlcpy(variant, *v, variant_size);
                return 0;
            }
        }
        off = 0;
        known[0] = '\0';
        for (v = o->variants; v && *v && off < sizeof(known); v++)
            off += (size_t)snprintf(known + off, sizeof(known) - off, "%s%s-%s", off ? ", " : "",
                                    o->type, *v);
        return cm_fail(err, CM_ENOENT, "unknown service '%s'%s%s", name,
                       known[0] ? ": known variants are " : " (this service has no variants)",
                       known);
    }
    known[0] = '\0';
    for (i = 0; mk_service_types[i] && off < sizeof(known); i++)
        off += (size_t)snprintf(known + off, sizeof(known) - off, "%s%s", i ? ", " : "",
                                mk_service_types[i]->type);
    return cm_fail(err, CM_ENOENT, "unknown service '%s': known services are %s", name, known);
}

void mk_service_error(struct mk_request *req, struct mk_response *resp, int status,
                      const char *code, const char *message)
{
    cJSON *doc, *e;

    if (req->svc && req->svc->ops->error) {
        req->svc->ops->error(req, resp, status, code, message);
        return;
    }
    doc = cJSON_CreateObject();
    e = cJSON_AddObjectToObject(doc, "error");
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    mk_resp_json(resp, status, doc);
}

int mk_service_with_lock(struct mk_service *svc, int (*fn)(struct mk_service *, void *), void *arg)
{
    int rc;

    pthread_mutex_lock(&svc->lock);
    rc = fn(svc, arg);
    pthread_mutex_unlock(&svc->lock);
    return rc;
}

int64_t mk_service_now(const struct mk_service *svc)
{
    return mk_clock_now(&svc->rt->clock);
}

void mk_random_bytes(void *buf, size_t n)
{
    unsigned char *p = buf;

    while (n > 0) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            cm_error("cannot draw random bytes from the kernel: %s", strerror(errno));
            abort();
        }
        p += got;
        n -= (size_t)got;
    }
}
