/* org: an organisation's starting state: its code, staff, leader and teams. */
#include <math.h>

#include "draw.h"
#include "world_impl.h"

/* A starting code with exactly round(correct x dims) dimensions matching the
 * standard and round(wrong x dims) contradicting it, on dimensions chosen at
 * random; the rest unset. Fixed shares keep a healthy sector's organisations
 * from starting as failures by the luck of the draw. */
static struct belief random_code(uint64_t standard, int dims, double correct, double wrong, gsl_rng *r)
{
    int order[64];
    for (int d = 0; d < dims; d++)
        order[d] = d;
    gsl_ran_shuffle(r, order, (size_t)dims, sizeof order[0]);
    int n_correct = (int)lround(correct * dims), n_wrong = (int)lround(wrong * dims);
    struct belief b = { 0, 0 };
    for (int k = 0; k < dims && k < n_correct + n_wrong; k++) {
        uint64_t bit = 1ULL << order[k];
        b.known |= bit;
        b.value |= (k < n_correct ? standard : ~standard) & bit;
    }
    return b;
}

void org_init(struct world *w, struct org *o, size_t index)
{
    const struct params *p = &w->p;
    gsl_rng r_ = rng_over(org_rng(o, RNG_INIT)), *r = &r_;
    int dims = p->culture_dimensions;
    int focal = index == 0 && p->focal_name[0];

    if (focal) {
        /* Replications stand for different organisations in the same plight:
         * with focal.depth_spread > 0 each starts a failure of its own depth,
         * a uniform share of at most the spread moved from correct to wrong
         * (or back), within [0, 1]. No draw at 0, so runs without it keep
         * their bits. */
        double correct = p->focal_code_correct, wrong = p->focal_code_wrong;
        if (p->focal_depth_spread > 0) {
            double shift = p->focal_depth_spread * (2.0 * gsl_rng_uniform(r) - 1.0);
            shift = fmax(shift, -wrong);
            shift = fmin(shift, correct);
            correct -= shift;
            wrong += shift;
        }
        o->code = random_code(w->standard.value, dims, correct, wrong, r);
    } else {
        o->code = random_code(w->standard.value, dims, p->init_code_correct, p->init_code_wrong, r);
    }
    o->bench = o->code;
    if (focal) {
        o->openness = p->focal_openness;
        o->outward = p->focal_outward;
    } else {
        leadership_draw(o, p);
    }
    o->safety = p->voice_initial;
    o->pressure = 0.0;

    /* A starting member's beliefs are copied from the code on each dimension
     * with chance init.staff_socialised, and random (March's newcomer) elsewhere. */
    struct frng g = *org_rng(o, RNG_INIT);   /* r's state, drawn inline from here */
    const struct geometric_table *t = w->init_table;
    struct trials socialised = t && t->kmax > 0 && t->p == p->init_staff_socialised
                                   ? trials_start_with(geometric_tabled(t), &g)
                                   : trials_start(p->init_staff_socialised, &g);
    const float voice = (float)p->voice_initial;
    const uint32_t team_size = (uint32_t)p->org_team_size;
    for (uint32_t i = 0; i < o->n; i++) {
        struct belief b;
        draw_ternary(dims, &g, &b.known, &b.value);
        uint64_t copy = trials_take(&socialised, &g, w->dim_mask);
        b.known = (b.known & ~copy) | (o->code.known & copy);
        b.value = (b.value & ~copy) | (o->code.value & copy);
        o->known[i] = b.known;
        o->value[i] = b.value;
        o->voice[i] = voice;
        o->tenure[i] = (uint16_t)frng_uniform_int(&g, 120);
        if (o->team)
            o->team[i] = (uint16_t)(i / team_size);
        o->contract[i] = CONTRACT_PERMANENT;
    }
    *org_rng(o, RNG_INIT) = g;
    o->index = (uint32_t)index;
    levers_reset(&o->lv);
    o->iv.trigger_month = o->iv.start_month = o->iv.exit_month = -1;
    o->iv.first_good_month = o->iv.relapse_month = o->iv.interim_leader_until = -1;
    o->hist.month_failed = -1;
    o->hist.min_quality = INFINITY;
    o->next_inspection = 0;
}
