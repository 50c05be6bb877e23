/* leadership: the leader's openness and outward orientation, and leader churn. */
#include "draw.h"
#include "world_impl.h"

static double spread(double mean, double half_width, gsl_rng *r)
{
    return clamp01(mean + half_width * (2.0 * gsl_rng_uniform(r) - 1.0));
}

void leadership_draw(struct org *o, const struct params *p)
{
    gsl_rng r_ = rng_over(org_rng(o, RNG_LEADER)), *r = &r_;
    o->openness = spread(p->leader_openness, p->leader_openness_spread, r);
    o->outward = spread(p->leader_outward, p->leader_outward_spread, r);
}

/* A new leader, drawn from the sector's pool; with the old one goes part of
 * the code (corporate memory). */
void leadership_change(struct org *o, const struct params *p, uint64_t dim_mask)
{
    gsl_rng r_ = rng_over(org_rng(o, RNG_LEADER)), *r = &r_;
    leadership_draw(o, p);
    uint64_t forget = 0;
    for (uint64_t m = o->code.known & dim_mask; m; m &= m - 1)
        if (gsl_rng_uniform(r) < p->leader_memory_loss)
            forget |= m & (~m + 1);
    o->code.known &= ~forget;
    o->code.value &= ~forget;
}

/* Leaders change at random (and when an interim leader's contract ends);
 * coaching raises openness and outward orientation. */
/* gsl_rng_uniform(r) < turnover, drawn inline. */
static int leader_leaves(struct frng *r, double turnover)
{
    struct frng g = *r;
    int leaves = frng_uniform(&g) < turnover;
    *r = g;
    return leaves;
}

void leadership_step_org(struct world *w, struct org *o)
{
    if (o->iv.interim_leader_until >= 0 && w->month >= o->iv.interim_leader_until) {
        leadership_change(o, &w->p, w->dim_mask);
        o->iv.interim_leader_until = -1;
    } else if (w->p.leader_turnover > 0.0 && leader_leaves(org_rng(o, RNG_LEADER), w->p.leader_turnover)) {
        leadership_change(o, &w->p, w->dim_mask);
        o->iv.interim_leader_until = -1;   /* an interim leader who leaves early ends the contract */
    }
    o->openness += o->lv.coaching * (1.0 - o->openness);
    o->outward += o->lv.coaching * (1.0 - o->outward);
}
