/*
 * services.c: the registry of service types that `secmock serve` can host.
 * Adding a vendor service is one line here and one folder beside this file.
 */
#include "mock/kit/service.h"

#include <stddef.h>

extern const struct mk_service_ops demo_service_ops;
extern const struct mk_service_ops mm_service_ops;
extern const struct mk_service_ops ns_service_ops;
extern const struct mk_service_ops sse_service_ops;
extern const struct mk_service_ops ctr_service_ops;

/* One entry per line, so that adding a service is a one-line change. */
/* clang-format off */
const struct mk_service_ops *const mk_service_types[] = {
    &demo_service_ops,
    &mm_service_ops,
    &ns_service_ops,
    &sse_service_ops,
    &ctr_service_ops,
    NULL,
};
/* clang-format on */
