/*
 * rng.h: a small seeded generator (splitmix64) for reproducible draws:
 * fault probabilities, generated log records, jitter. Not for secrets; the
 * mocks take key material from the kernel (mk_random_bytes).
 *
 * Not thread-safe: each owner keeps its own state (or guards it).
 */
#ifndef CM_RNG_H
#define CM_RNG_H

#include <stdint.h>

struct cm_rng {
    uint64_t s;
};

void cm_rng_seed(struct cm_rng *r, uint64_t seed);
uint64_t cm_rng_next(struct cm_rng *r);
/* Uniform in [0, 1). */
double cm_rng_unit(struct cm_rng *r);
/* Uniform in [0, n); n > 0. */
uint64_t cm_rng_below(struct cm_rng *r, uint64_t n);

#endif
