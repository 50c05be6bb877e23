/* standard: the sector's standard of good practice, a moving target. */
#include "world_impl.h"

/* Each dimension of the standard flips with chance sector.turbulence a month
 * (new evidence, new regulation): March's turbulence p4. */
void standard_drift(struct world *w)
{
    double p4 = w->p.sector_turbulence;
    if (p4 <= 0.0)
        return;
    for (int d = 0; d < w->p.culture_dimensions; d++)
        if (gsl_rng_uniform(w->rng_standard) < p4)
            w->standard.value ^= 1ULL << d;
}
