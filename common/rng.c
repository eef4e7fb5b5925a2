/*
 * rng.c: splitmix64 (Steele, Lea, Flood 2014), restated.
 */
#include "common/rng.h"

void cm_rng_seed(struct cm_rng *r, uint64_t seed)
{
    r->s = seed;
}

uint64_t cm_rng_next(struct cm_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

double cm_rng_unit(struct cm_rng *r)
{
    return (double)(cm_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

uint64_t cm_rng_below(struct cm_rng *r, uint64_t n)
{
    return cm_rng_next(r) % n;
}
