/* org: an organisation's starting state: its code, staff, leader and teams. */
#include <math.h>

#include "world_impl.h"

static struct belief random_code(uint64_t standard, int dims, double correct, double wrong, gsl_rng *r)
{
    struct belief b = { 0, 0 };
    for (int d = 0; d < dims; d++) {
        uint64_t bit = 1ULL << d;
        double u = gsl_rng_uniform(r);
        if (u < correct) {
            b.known |= bit;
            b.value |= standard & bit;
        } else if (u < correct + wrong) {
            b.known |= bit;
            b.value |= ~standard & bit;
        }
    }
    return b;
}

/* A belief with each dimension unset, +1 or -1 with equal chance: March's
 * newcomer, who knows nothing of the code. */
struct belief org_random_belief(int dims, gsl_rng *r)
{
    struct belief b = { 0, 0 };
    for (int d = 0; d < dims; d++) {
        unsigned long k = gsl_rng_uniform_int(r, 3);
        if (k > 0)
            b.known |= 1ULL << d;
        if (k == 1)
            b.value |= 1ULL << d;
    }
    return b;
}

void org_init(struct world *w, struct org *o, size_t index)
{
    const struct params *p = &w->p;
    gsl_rng *r = o->rng[RNG_INIT];
    int dims = p->culture_dimensions;
    int focal = index == 0 && p->focal_name[0];

    o->code = focal ? random_code(w->standard.value, dims, p->focal_code_correct, p->focal_code_wrong, r)
                    : random_code(w->standard.value, dims, p->init_code_correct, p->init_code_wrong, r);
    o->bench = o->code;
    if (focal) {
        o->openness = p->focal_openness;
        o->outward = p->focal_outward;
    } else {
        leadership_draw(o, p);
    }
    o->safety = p->voice_initial;
    o->pressure = 0.0;

    for (uint32_t i = 0; i < o->n; i++) {
        struct belief b = org_random_belief(dims, r);
        for (int d = 0; d < dims; d++) {
            uint64_t bit = 1ULL << d;
            if (gsl_rng_uniform(r) < p->init_staff_socialised) {
                b.known = (b.known & ~bit) | (o->code.known & bit);
                b.value = (b.value & ~bit) | (o->code.value & bit);
            }
        }
        o->known[i] = b.known;
        o->value[i] = b.value;
        o->voice[i] = (float)p->voice_initial;
        o->tenure[i] = (uint16_t)gsl_rng_uniform_int(r, 120);
        o->team[i] = (uint16_t)(i / (uint32_t)p->org_team_size);
        o->contract[i] = CONTRACT_PERMANENT;
    }
    o->hist.month_failed = -1;
    o->hist.min_quality = INFINITY;
    o->next_inspection = 0;
}
