/* workforce: turnover and hiring (Harrison & Carroll 1991).
 *
 * Members leave at staff.turnover a month, more under regulatory pressure; each
 * leaver is replaced at once by a hire from the sector's labour market, who
 * brings outside practice in and is then socialised in turn. */
#include <gsl/gsl_randist.h>

#include "draw.h"
#include "world_impl.h"

void workforce_hire(struct world *w, struct org *o, uint32_t slot)
{
    const struct params *p = &w->p;
    const struct world *market = w->market;
    gsl_rng *r = o->rng[RNG_HIRING];
    struct belief b;
    if (market->n_orgs > 1 && gsl_rng_uniform(r) < p->staff_hire_from_sector) {
        size_t j = gsl_rng_uniform_int(r, market->n_orgs - 1);
        if (j >= o->index)
            j++;
        const struct org *from = &market->orgs[j];
        uint32_t s = (uint32_t)gsl_rng_uniform_int(r, from->n);
        b.known = from->known[s];
        b.value = from->value[s];
    } else {
        /* A new entrant: trained to the current standard on each dimension
         * with chance staff.entrant_knowledge, random (March's newcomer) elsewhere. */
        draw_ternary(p->culture_dimensions, r, &b.known, &b.value);
        uint64_t trained = 0;
        for (int d = 0; d < p->culture_dimensions; d++)
            if (gsl_rng_uniform(r) < p->staff_entrant_knowledge)
                trained |= 1ULL << d;
        b.known |= trained;
        b.value = (b.value & ~trained) | (w->standard.value & trained);
    }
    if (o->contract[slot] == CONTRACT_INTERIM)
        o->interims--;
    o->known[slot] = b.known;
    o->value[slot] = b.value;
    o->voice[slot] = (float)o->safety;
    o->tenure[slot] = 0;
    o->contract[slot] = CONTRACT_PERMANENT;
}

void workforce_step_org(struct world *w, struct org *o)
{
    const struct params *p = &w->p;
    double rate = p->staff_turnover * (1.0 + p->staff_pressure_turnover * o->pressure);
    o->leavers = 0;
    for (uint32_t i = 0; i < o->n; i++)
        if (o->tenure[i] < UINT16_MAX)
            o->tenure[i]++;
    /* Interims leave when their contracts end. */
    for (uint32_t i = 0; o->interims > 0 && i < o->n; i++)
        if (o->contract[i] == CONTRACT_INTERIM && o->tenure[i] >= p->interim_months) {
            workforce_hire(w, o, i);
            o->leavers++;
        }
    if (rate <= 0.0)
        return;
    if (rate > 1.0)
        rate = 1.0;
    /* Skip from leaver to leaver with geometric gaps: one draw per leaver, not per member. */
    gsl_rng *r = o->rng[RNG_WORKFORCE];
    for (uint64_t i = gsl_ran_geometric(r, rate) - 1; i < o->n; i += gsl_ran_geometric(r, rate)) {
        workforce_hire(w, o, (uint32_t)i);
        o->leavers++;
    }
}

void workforce_step(struct world *w)
{
    for (size_t i = 0; i < w->n_orgs; i++)
        workforce_step_org(w, &w->orgs[i]);
}
