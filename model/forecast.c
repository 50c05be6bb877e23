/* forecast: the commissioners' capability test (the Doncaster test).
 *
 * Before leaving, the commissioners copy the organisation as it is and run it
 * forward without support, several times, in a world of their own making:
 * the standard as they understand it (intervention.knowledge), hires from the
 * real sector as it stands, and random streams of the forecast's own, so the
 * main run never sees a draw of theirs. A forecast succeeds when the
 * organisation ends good and no inspection on the way rates it inadequate;
 * they leave when enough forecasts succeed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "world_impl.h"

static void *copy_of(struct world *f, const void *src, size_t n, size_t size)
{
    void *dst = malloc((n ? n : 1) * size);
    if (dst) {
        memcpy(dst, src, n * size);
        f->bytes += n * size;
    }
    return dst;
}

/* A one-organisation world holding a copy of o, or NULL when memory runs out. */
static struct world *forecast_world(const struct world *w, const struct org *o, uint64_t seed)
{
    struct world *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->p = w->p;
    f->rep_seed = seed;
    f->month = w->month;
    f->dim_mask = w->dim_mask;
    f->standard = intervention_view(w, o);
    f->market = w;
    f->intervene = 0;
    f->n_orgs = 1;
    f->n_staff = o->n;
    f->n_ties = o->tie_count;
    f->orgs = calloc(1, sizeof *f->orgs);
    f->known = copy_of(f, o->known, o->n, sizeof *o->known);
    f->value = copy_of(f, o->value, o->n, sizeof *o->value);
    f->voice = copy_of(f, o->voice, o->n, sizeof *o->voice);
    f->tenure = copy_of(f, o->tenure, o->n, sizeof *o->tenure);
    f->team = copy_of(f, o->team, o->n, sizeof *o->team);
    f->contract = copy_of(f, o->contract, o->n, sizeof *o->contract);
    f->tie_peer = copy_of(f, w->tie_peer + o->tie_first, o->tie_count, sizeof *f->tie_peer);
    f->tie_strength = copy_of(f, w->tie_strength + o->tie_first, o->tie_count, sizeof *f->tie_strength);
    f->team_sum = calloc(o->n_teams ? o->n_teams : 1, sizeof *f->team_sum);
    f->team_n = calloc(o->n_teams ? o->n_teams : 1, sizeof *f->team_n);
    f->rng_standard = rng_stream_alloc(seed, RNG_STANDARD, 0);
    if (!f->orgs || !f->known || !f->value || !f->voice || !f->tenure || !f->team || !f->contract
        || !f->tie_peer || !f->tie_strength || !f->team_sum || !f->team_n || !f->rng_standard) {
        world_free(f);
        return NULL;
    }
    struct org *c = &f->orgs[0];
    *c = *o;
    c->known = f->known;
    c->value = f->value;
    c->voice = f->voice;
    c->tenure = f->tenure;
    c->team = f->team;
    c->contract = f->contract;
    c->tie_first = 0;
    levers_reset(&c->lv);
    c->iv.active = 0;
    for (int s = 0; s < RNG_STREAMS; s++)
        c->rng[s] = NULL;
    for (int s = 0; s < RNG_STREAMS; s++)
        if (s != RNG_NETWORK && s != RNG_STANDARD && !(c->rng[s] = rng_stream_alloc(seed, (enum rng_stream)s, 0))) {
            world_free(f);
            return NULL;
        }
    return f;
}

double forecast_capability(const struct world *w, const struct org *o)
{
    const struct params *p = &w->p;
    int good = 0;
    for (int k = 0; k < p->intervention_forecasts; k++) {
        struct world *f = forecast_world(w, o, rng_forecast_seed(w->rep_seed, o->index, (uint64_t)w->month, (uint64_t)k));
        if (!f)
            return 0.0;   /* no forecast, no confidence: the commissioners stay */
        /* Good at the horizon, and no inspection on the way finds it inadequate. */
        int failed = 0;
        for (int m = 0; m < p->intervention_forecast_months; m++) {
            world_step(f);
            const struct org_obs *ob = &f->orgs[0].obs;
            failed |= !isnan(ob->measured) && ob->rating == RATING_INADEQUATE;
        }
        good += !failed && f->orgs[0].obs.quality >= p->regulator_good;
        world_free(f);
    }
    return (double)good / p->intervention_forecasts;
}
