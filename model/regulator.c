/* regulator: noisy inspections on a cycle, ratings, pressure and blame.
 *
 * The inspector measures true quality with error, but silence hides problems:
 * a share of the insiders' over-estimate (perceived - true), scaled by how
 * rarely members speak up, leaks into the measure. When voice returns, the
 * hidden problems surface and the measure can dip as recovery begins. */
#include <gsl/gsl_randist.h>
#include <math.h>

#include "world_impl.h"

int regulator_rate(const struct params *p, double measured)
{
    if (measured >= p->regulator_outstanding)
        return RATING_OUTSTANDING;
    if (measured >= p->regulator_good)
        return RATING_GOOD;
    if (measured >= p->regulator_inadequate)
        return RATING_RI;
    return RATING_INADEQUATE;
}

static int cycle(const struct params *p, int rating)
{
    if (rating == RATING_INADEQUATE)
        return p->regulator_cycle_inadequate;
    if (rating == RATING_RI)
        return p->regulator_cycle_ri;
    return p->regulator_cycle;
}

void regulator_inspect(struct org *o, const struct params *p, int month)
{
    gsl_rng r_ = rng_over(org_rng(o, RNG_REGULATOR)), *r = &r_;
    struct org_obs *ob = &o->obs;
    double hidden = p->regulator_concealment * (1.0 - ob->voice) * fmax(0.0, ob->perceived - ob->quality);
    ob->measured = ob->quality + hidden + gsl_ran_gaussian_ziggurat(r, p->regulator_noise);
    int previous = ob->rating;
    ob->rating = regulator_rate(p, ob->measured);
    if (ob->rating == RATING_INADEQUATE) {
        o->pressure = 1.0;
        if (previous != RATING_INADEQUATE && gsl_rng_uniform(r) < p->leader_blame_propensity)
            o->blame_pending = 1;
        if (o->hist.month_failed < 0) {
            o->hist.month_failed = month;
            o->hist.gap_at_failure = ob->perceived - ob->quality;
        }
    } else if (ob->rating == RATING_RI && o->pressure < p->regulator_pressure_ri) {
        o->pressure = p->regulator_pressure_ri;
    }
    /* The first visits are spread over a cycle so inspections do not bunch. */
    int wait = cycle(p, ob->rating);
    if (month == 0)
        wait = 1 + (int)gsl_rng_uniform_int(r, (unsigned long)wait);
    o->next_inspection = month + wait;
}

void regulator_step_org(struct world *w, struct org *o)
{
    const struct params *p = &w->p;
    o->pressure *= 1.0 - p->regulator_pressure_decay;
    if (w->month >= o->next_inspection)
        regulator_inspect(o, p, w->month);
    if (o->obs.rating == RATING_INADEQUATE)
        o->hist.months_inadequate++;
    if (w->pending)   /* the last phase before the interventions': whether o has one to step */
        w->pending[o->index] = (uint8_t)intervention_pending(w, o);
}
