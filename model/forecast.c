/* forecast: the commissioners' capability test (the Doncaster test).
 *
 * Before leaving, the commissioners copy the organisation as they know it and
 * run it forward without support, several times, in a world of their own
 * making: the standard as they understand it (intervention.knowledge), the
 * staff as far as they have observed them (intervention.forecast_sample), its
 * code, leader and ties as they are, hires from the real sector as it stands,
 * and random streams of the forecast's own, so the main run never sees a draw
 * of theirs. A forecast succeeds when the
 * organisation ends good and no inspection on the way rates it inadequate;
 * they leave when enough forecasts succeed, and stop forecasting as soon as
 * the outcome is settled. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench_timers.h"
#include "pool.h"
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

/* The commissioners know the staff only as far as they have observed them:
 * intervention.forecast_sample members drawn at random (on the forecast's own
 * initialisation stream, which nothing else of a forecast uses), and each
 * post of the forecast holds one of them, drawn again for each post. The
 * posts keep their teams. 0, or a sample as large as the staff: every member
 * as they are. Returns 0, or -1 when memory runs out. */
static int observe_sample(const struct world *w, const struct org *o, struct org *c)
{
    uint32_t n = o->n, k = (uint32_t)w->p.intervention_forecast_sample;
    if (k == 0 || k >= n)
        return 0;
    uint32_t *pick = malloc(n * sizeof *pick);
    if (!pick)
        return -1;
    gsl_rng r_ = rng_over(org_rng(c, RNG_INIT)), *r = &r_;
    for (uint32_t i = 0; i < n; i++)
        pick[i] = i;
    for (uint32_t i = 0; i < k; i++) {   /* the first k of a random order: the sample */
        uint32_t j = i + (uint32_t)gsl_rng_uniform_int(r, n - i), t = pick[i];
        pick[i] = pick[j];
        pick[j] = t;
    }
    c->interims = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t from = pick[gsl_rng_uniform_int(r, k)];
        c->known[i] = o->known[from];
        c->value[i] = o->value[from];
        c->voice[i] = o->voice[from];
        c->tenure[i] = o->tenure[from];
        c->contract[i] = o->contract[from];
        c->interims += c->contract[i] == CONTRACT_INTERIM;
    }
    free(pick);
    return 0;
}

/* A one-organisation world holding a copy of o, or NULL when memory runs out. */
struct world *forecast_world(const struct world *w, const struct org *o, uint64_t seed)
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
    f->observe_last = w->month + w->p.intervention_forecast_months;
    f->threads = 1;
    f->n_orgs = 1;
    f->n_staff = o->n;
    f->n_ties = o->tie_count;
    f->orgs = calloc(1, sizeof *f->orgs);
    f->known = copy_of(f, o->known, o->n, sizeof *o->known);
    f->value = copy_of(f, o->value, o->n, sizeof *o->value);
    f->voice = copy_of(f, o->voice, o->n, sizeof *o->voice);
    f->tenure = copy_of(f, o->tenure, o->n, sizeof *o->tenure);
    f->team = o->team ? copy_of(f, o->team, o->n, sizeof *o->team) : NULL;
    f->contract = copy_of(f, o->contract, o->n, sizeof *o->contract);
    f->tie_peer = copy_of(f, w->tie_peer + o->tie_first, o->tie_count, sizeof *f->tie_peer);
    f->tie_strength = copy_of(f, w->tie_strength + o->tie_first, o->tie_count, sizeof *f->tie_strength);
    f->team_sum = calloc(o->n_teams ? o->n_teams : 1, sizeof *f->team_sum);
    f->team_n = calloc(o->n_teams ? o->n_teams : 1, sizeof *f->team_n);
    f->rng_standard = rng_stream_alloc(seed, RNG_STANDARD, 0);
    f->max_teams = o->n_teams ? o->n_teams : 1;
    f->first_staff = o->n;   /* its one organisation (hires come from the sector: market) */
    if (!f->orgs || !f->known || !f->value || !f->voice || !f->tenure || (o->team && !f->team) || !f->contract
        || !f->tie_peer || !f->tie_strength || !f->team_sum || !f->team_n || !f->rng_standard
        || world_lanes(f, 1)) {
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
        if (s != RNG_NETWORK && s != RNG_STANDARD)
            rng_stream_init(org_rng(c, (enum rng_stream)s), seed, (enum rng_stream)s, 0);
    if (observe_sample(w, o, c))
        c = NULL;
    if (!c) {
        world_free(f);
        return NULL;
    }
    return f;
}

/* Whether forecast k of o succeeds: good at the horizon, and no inspection
 * on the way finds it inadequate (the forecast stops at the first that does).
 * -1 when memory runs out. */
static int forecast_one(const struct world *w, const struct org *o, int k)
{
    const struct params *p = &w->p;
    struct world *f = forecast_world(w, o, rng_forecast_seed(w->rep_seed, o->index, (uint64_t)w->month, (uint64_t)k));
    if (!f)
        return -1;
    int failed = 0;
    for (int m = 0; m < p->intervention_forecast_months && !failed; m++) {
        world_step(f);
        const struct org_obs *ob = &f->orgs[0].obs;
        failed = !isnan(ob->measured) && ob->rating == RATING_INADEQUATE;
    }
    int good = !failed && f->orgs[0].obs.quality >= p->regulator_good;
    world_free(f);
    return good;
}

/* The test passes when good / forecasts >= intervention.forecast_share. */
static int passes(const struct params *p, int good)
{
    return (double)good / p->intervention_forecasts >= p->intervention_forecast_share;
}

struct batch {
    const struct world *w;
    const struct org *o;
    int first;
    int result[WORLD_MAX_THREADS];
};

static void batch_block(void *ctx, size_t begin, size_t end, int thread)
{
    struct batch *b = ctx;
    (void)thread;
    for (size_t i = begin; i < end; i++)
        b->result[i] = forecast_one(b->w, b->o, b->first + (int)i);
}

/* Forecasts in order, as many at a time as the world has threads, until the
 * outcome is settled: enough have succeeded, or too many have failed for the
 * rest to make up. Each forecast is a world of its own, so which are run
 * together changes nothing. */
static int capable(const struct world *w, const struct org *o)
{
    const struct params *p = &w->p;
    const int n = p->intervention_forecasts, at_once = w->threads;
    int good = 0, done = 0;
    struct batch b = { w, o, 0, { 0 } };
    while (done < n && !passes(p, good) && passes(p, good + n - done)) {
        int k = n - done < at_once ? n - done : at_once;
        b.first = done;
        pool_run(w->pool, (size_t)k, batch_block, &b);
        for (int i = 0; i < k; i++) {
            if (b.result[i] < 0)
                return 0;   /* no forecast, no confidence: the commissioners stay */
            good += b.result[i];
        }
        done += k;
    }
    return passes(p, good);
}

int forecast_capable(const struct world *w, const struct org *o)
{
#ifdef TURNAROUND_BENCH_TIMERS
    uint64_t start = bench_forecast_start();
    int yes = capable(w, o);
    bench_forecast_stop(start);
    return yes;
#else
    return capable(w, o);
#endif
}
