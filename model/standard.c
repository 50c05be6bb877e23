/* standard: the sector's standard of good practice, a moving target. */
#include "draw.h"
#include "world_impl.h"

/* Each dimension of the standard flips with chance sector.turbulence a month
 * (new evidence, new regulation): March's turbulence p4. The draws are
 * gsl_rng_uniform(w->rng_standard) < p4, dimension by dimension, made by
 * draw_each on the generator's own state (the same numbers, without a call
 * through GSL a dimension: a forecast's world, one organisation, steps its
 * own standard every month). */
void standard_drift(struct world *w)
{
    double p4 = w->p.sector_turbulence;
    if (p4 <= 0.0)
        return;
    struct frng g;
    rng_state_from_gsl(&g, w->rng_standard);
    w->standard.value ^= draw_each(w->p.culture_dimensions, p4, &g);
    rng_state_to_gsl(&g, w->rng_standard);
}
