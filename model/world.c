#include "world.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench_timers.h"
#include "checked.h"
#include "pool.h"
#include "world_impl.h"

static void *counted_calloc(struct world *w, size_t n, size_t size)
{
    void *ptr = calloc(n ? n : 1, size);
    if (ptr)
        w->bytes += (n ? n : 1) * size;
    return ptr;
}

int world_restructures(const struct params *p)
{
    struct schedule s;
    char why[400];
    if (schedule_parse(p->intervention_schedule, &s, why, sizeof why))
        return 0;   /* world_alloc refuses it */
    for (int k = 0; k < s.n; k++)
        if (s.phase[k].strategies & (1u << STRATEGY_RESTRUCTURE))
            return 1;
    return 0;
}

static int alloc_staff(struct world *w)
{
    size_t n = w->n_staff;
    w->known = counted_calloc(w, n, sizeof *w->known);
    w->value = counted_calloc(w, n, sizeof *w->value);
    w->voice = counted_calloc(w, n, sizeof *w->voice);
    w->tenure = counted_calloc(w, n, sizeof *w->tenure);
    /* Teams are blocks of org.team_size in member order until a restructure
     * shuffles them: only a world whose schedule restructures keeps them. */
    w->team = world_restructures(&w->p) ? counted_calloc(w, n, sizeof *w->team) : NULL;
    w->contract = counted_calloc(w, n, sizeof *w->contract);
    return w->known && w->value && w->voice && w->tenure && (w->team || !world_restructures(&w->p)) && w->contract
               ? 0 : -1;
}

/* An organisation's streams, each from the replication's seed, the process
 * and the organisation (rng.h). */
static void seed_streams(struct world *w, struct org *o, size_t index)
{
    for (int s = 0; s < RNG_STREAMS; s++)
        if (s != RNG_NETWORK && s != RNG_STANDARD)
            rng_stream_init(org_rng(o, (enum rng_stream)s), w->rep_seed, (enum rng_stream)s, index);
}

static void place_staff(struct world *w)
{
    size_t first = 0;
    uint32_t max_teams = 1;
    for (size_t i = 0; i < w->n_orgs; i++) {
        struct org *o = &w->orgs[i];
        o->n = (uint32_t)(i == 0 && w->p.focal_name[0] ? w->p.focal_staff : w->p.org_staff);
        o->known = w->known + first;
        o->value = w->value + first;
        o->voice = w->voice + first;
        o->tenure = w->tenure + first;
        o->team = w->team ? w->team + first : NULL;
        o->contract = w->contract + first;
        o->n_teams = (o->n + (uint32_t)w->p.org_team_size - 1) / (uint32_t)w->p.org_team_size;
        if (i == 0)
            w->first_staff = o->n;
        else
            w->other_staff = o->n;
        if (o->n_teams > max_teams)
            max_teams = o->n_teams;
        first += o->n;
    }
    w->max_teams = max_teams;
    w->team_sum = counted_calloc(w, max_teams, sizeof *w->team_sum);
    w->team_n = counted_calloc(w, max_teams, sizeof *w->team_n);
}

/* One lane of work buffers per thread; lane 0's team buffers are the world's
 * own. Returns 0, or -1 when memory runs out (the old lanes kept). */
int world_lanes(struct world *w, int threads)
{
    struct lane *ln = aligned_alloc(_Alignof(struct lane), (size_t)threads * sizeof *ln);
    if (!ln)
        return -1;
    memset(ln, 0, (size_t)threads * sizeof *ln);
    ln[0].team_sum = w->team_sum;
    ln[0].team_n = w->team_n;
    ln[0].bytes = (size_t)threads * sizeof *ln;
    for (int t = 1; t < threads; t++) {
        ln[t].team_sum = calloc(w->max_teams, sizeof *ln[t].team_sum);
        ln[t].team_n = calloc(w->max_teams, sizeof *ln[t].team_n);
        ln[t].bytes = w->max_teams * (sizeof *ln[t].team_sum + sizeof *ln[t].team_n);
        if (!ln[t].team_sum || !ln[t].team_n) {
            lanes_free(ln, t + 1);
            return -1;
        }
    }
    lanes_free(w->lanes, w->threads);
    w->lanes = ln;
    return 0;
}

void lanes_free(struct lane *ln, int threads)
{
    if (!ln)
        return;
    for (int t = 0; t < threads; t++) {
        if (t > 0) {
            free(ln[t].team_sum);
            free(ln[t].team_n);
        }
        free(ln[t].hires);
    }
    free(ln);
}

int world_set_threads(world *w, int threads)
{
    if (threads < 1 || threads > WORLD_MAX_THREADS)
        return -1;
    if (threads == w->threads)
        return 0;
    struct pool *pl = threads > 1 ? pool_new(threads) : NULL;
    if (threads > 1 && !pl)
        return -1;
    struct lane *old = w->lanes;
    int old_threads = w->threads;
    w->lanes = NULL;
    w->threads = 0;
    if (world_lanes(w, threads)) {
        pool_free(pl);
        w->lanes = old;
        w->threads = old_threads;
        return -1;
    }
    lanes_free(old, old_threads);
    pool_free(w->pool);
    w->pool = pl;
    w->threads = threads;
    return 0;
}

int world_threads(const world *w)
{
    return w->threads;
}

static void init_block(void *ctx, size_t begin, size_t end, int thread)
{
    struct world *w = ctx;
    (void)thread;
    for (size_t i = begin; i < end; i++) {
        if (w->init_stop && *w->init_stop)   /* a large sector takes a while to set up: a signal is honoured here too */
            return;
        seed_streams(w, &w->orgs[i], i);
        org_init(w, &w->orgs[i], i);
    }
}

world *world_alloc(const struct params *p, uint64_t rep_seed)
{
    return world_alloc_until(p, rep_seed, NULL);
}

world *world_alloc_until(const struct params *p, uint64_t rep_seed, const signal_flag *stop)
{
    return world_alloc_threads(p, rep_seed, stop, 1);
}

world *world_alloc_threads(const struct params *p, uint64_t rep_seed, const signal_flag *stop, int threads)
{
    struct world *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->bytes = sizeof *w;
    w->p = *p;
    w->rep_seed = rep_seed;
    w->dim_mask = p->culture_dimensions >= 64 ? ~0ULL : (1ULL << p->culture_dimensions) - 1;
    w->n_orgs = (size_t)p->sector_orgs;
    w->n_staff = (size_t)p->org_staff * (w->n_orgs - (p->focal_name[0] ? 1 : 0))
                 + (p->focal_name[0] ? (size_t)p->focal_staff : 0);

    /* An organisation is 512 bytes: on cache lines of its own, it takes eight. */
    size_t org_bytes, rounded;
    if (checked_mul(w->n_orgs ? w->n_orgs : 1, sizeof *w->orgs, &org_bytes) || checked_add(org_bytes, 63, &rounded)) {
        free(w);
        return NULL;
    }
    rounded = rounded / 64 * 64;
    w->orgs = aligned_alloc(64, rounded);
    if (w->orgs) {
        memset(w->orgs, 0, rounded);
        w->bytes += rounded;
    }
    w->rng_standard = rng_stream_alloc(rep_seed, RNG_STANDARD, 0);
    gsl_rng *net = rng_stream_alloc(rep_seed, RNG_NETWORK, 0);
    if (!w->orgs || !w->rng_standard || !net || alloc_staff(w)) {
        gsl_rng_free(net);
        world_free(w);
        return NULL;
    }
    place_staff(w);
    if (!w->team_sum || !w->team_n || world_set_threads(w, threads) || peers_build(w, net)) {
        gsl_rng_free(net);
        world_free(w);
        return NULL;
    }

    w->market = w;
    w->intervene = 1;
    w->pending = counted_calloc(w, w->n_orgs, sizeof *w->pending);
    if (!w->pending) {
        gsl_rng_free(net);
        world_free(w);
        return NULL;
    }
    if (p->staff_turnover > 0.0 && p->staff_turnover < 1.0)
        geometric_table_init(&w->leave_table, p->staff_turnover);
    /* Needed only while the organisations are set up: not kept. */
    struct geometric_table init_table;
    if (p->init_staff_socialised > 0.0 && p->init_staff_socialised < 1.0) {
        geometric_table_init(&init_table, p->init_staff_socialised);
        w->init_table = &init_table;
    }
    if (p->culture_socialisation > 0.0 && p->culture_socialisation < 1.0)
        geometric_table_init(&w->culture.social, p->culture_socialisation);
    w->culture.stay = NAN;
    if (p->culture_code_learning > 0.0) {   /* as culture_step_org works it out, with levers.learning 1 */
        w->culture.stay = 1.0 - p->culture_code_learning * 1.0;
        for (int m = 0; m <= CULTURE_LEARN_TABLE; m++)
            w->culture.learn[m] = 1.0 - pow(w->culture.stay, (double)m);
    }
    for (size_t i = 0; i < w->n_orgs; i++)
        w->orgs[i].tables = &w->culture;
    char why[400];
    if (schedule_parse(p->intervention_schedule, &w->schedule, why, sizeof why)
        || exit_parse(p->intervention_exit, &w->exit, why, sizeof why)) {
        gsl_rng_free(net);
        world_free(w);
        return NULL;
    }
    w->standard.known = w->dim_mask;
    w->standard.value = 0;
    for (int d = 0; d < p->culture_dimensions; d++)
        if (gsl_rng_uniform(w->rng_standard) < 0.5)
            w->standard.value |= 1ULL << d;

    w->init_stop = stop;
    pool_run(w->pool, w->n_orgs, init_block, w);
    w->init_stop = NULL;
    w->init_table = NULL;
    if (stop && *stop) {
        gsl_rng_free(net);
        world_free(w);
        return NULL;
    }
    peers_init_strengths(w, net);
    gsl_rng_free(net);
    observe_step(w);
    regulator_step(w);
    return w;
}

void world_free(world *w)
{
    if (!w)
        return;
    free(w->orgs);
    free(w->known);
    free(w->value);
    free(w->voice);
    free(w->tenure);
    free(w->team);
    free(w->contract);
    free(w->tie_peer);
    free(w->tie_strength);
    free(w->team_sum);
    free(w->team_n);
    free(w->pending);
    pool_free(w->pool);
    lanes_free(w->lanes, w->threads);
    gsl_rng_free(w->rng_standard);
    free(w);
}

/* Each organisation's step of a phase, on the lane of the thread that runs it. */
typedef void org_step(struct world *w, struct org *o, struct lane *ln);

struct each {
    struct world *w;
    org_step *step;
};

/* Organisations are stepped in order, and at 10 staff each the next ones'
 * structs, members and ties are cache misses: they are asked for a few
 * organisations ahead. (A macro: GCC drops prefetches in a function of
 * their own, judging it free of side effects.) */
#define PF_S (DRAW_GROUP + 2)   /* structs: ahead of first_block's group of benchmarks */
#define PF_T (DRAW_GROUP + 1)   /* ties, read by the benchmarks */
#define PF_M 2                  /* members */
#define PREFETCH_AHEAD(w, i, end, ties)                                         \
    do {                                                                        \
        if ((i) + PF_S < (end)) {                                               \
            const char *next_ = (const char *)&(w)->orgs[(i) + PF_S];           \
            for (size_t b_ = 0; b_ < sizeof (w)->orgs[0]; b_ += 64)            \
                __builtin_prefetch(next_ + b_);                                 \
        }                                                                       \
        if ((ties) && (i) + PF_T < (end))                                       \
            __builtin_prefetch((w)->tie_strength + (w)->orgs[(i) + PF_T].tie_first); \
        if ((i) + PF_M < (end)) {                                               \
            const struct org *o_ = &(w)->orgs[(i) + PF_M];                      \
            __builtin_prefetch(o_->known);                                      \
            __builtin_prefetch(o_->value);                                      \
            __builtin_prefetch(o_->voice);                                      \
            __builtin_prefetch(o_->tenure);                                     \
            __builtin_prefetch(o_->contract);                                   \
        }                                                                       \
    } while (0)

static void each_block(void *ctx, size_t begin, size_t end, int thread)
{
    const struct each *e = ctx;
    for (size_t i = begin; i < end; i++) {
        PREFETCH_AHEAD(e->w, i, end, 0);   /* the second part, each_block's use in world_step, reads no ties */
        e->step(e->w, &e->w->orgs[i], &e->w->lanes[thread]);
    }
}

/* step for every organisation, in blocks of consecutive ones, one a thread. */
static void each_org(struct world *w, org_step *step)
{
    struct each e = { w, step };
    pool_run(w->pool, w->n_orgs, each_block, &e);
}

static void start_lanes(struct world *w)
{
    for (int t = 0; t < pool_threads(w->pool); t++)
        w->lanes[t].n_hires = w->lanes[t].deferred = 0;
}

/* The phases one at a time, each over every organisation (the ODD's
 * schedule as it reads; make bench's timer build runs it). */
static void peers_one(struct world *w, struct org *o, struct lane *ln)
{
    (void)ln;
    peers_step_org(w, o);
}

static void culture_one(struct world *w, struct org *o, struct lane *ln)
{
    (void)ln;
    culture_step_org(o, &w->p);
}

static void voice_one(struct world *w, struct org *o, struct lane *ln)
{
    voice_step_org(o, &w->p, ln->team_sum, ln->team_n);
}

static void leadership_one(struct world *w, struct org *o, struct lane *ln)
{
    (void)ln;
    leadership_step_org(w, o);
}

static void observe_one(struct world *w, struct org *o, struct lane *ln)
{
    (void)ln;
    observe_org(w, o);
}

static void regulator_one(struct world *w, struct org *o, struct lane *ln)
{
    (void)ln;
    regulator_step_org(w, o);
}

void peers_step(struct world *w)
{
    each_org(w, peers_one);
}

void culture_step(struct world *w)
{
    each_org(w, culture_one);
}

void voice_step(struct world *w)
{
    each_org(w, voice_one);
}

void workforce_step(struct world *w)
{
    start_lanes(w);
    each_org(w, workforce_draw_block_org);
    workforce_settle(w);
}

void leadership_step(struct world *w)
{
    each_org(w, leadership_one);
}

void observe_step(struct world *w)
{
    each_org(w, observe_one);
}

void regulator_step(struct world *w)
{
    each_org(w, regulator_one);
}

/* The monthly schedule, organisation by organisation. Between the sector's
 * standard moving and the workforce's copying of hires, and again between
 * that and the interventions, each phase of each organisation reads and
 * writes that organisation alone (and the sector's standard, which stands
 * still meanwhile). So stepping an organisation through peers, culture,
 * voice and the workforce's draws, then the next, is stepping every
 * organisation phase by phase, bit for bit; it keeps an organisation's
 * members in cache from phase to phase, and the threads meet twice a month
 * instead of once a phase. */
#ifndef TURNAROUND_BENCH_TIMERS
/* The first part for organisations begin to end - 1: each group of
 * DRAW_GROUP consecutive ones draws its benchmarks' dimensions side by side
 * (each on its own stream, draw_each_group), then each goes through the
 * rest of peers, culture, voice and the workforce's draws in turn. */
static void first_block(void *ctx, size_t begin, size_t end, int thread)
{
    struct world *w = ctx;
    struct lane *ln = &w->lanes[thread];
    for (size_t i = begin; i < end; i += DRAW_GROUP) {
        const int n = end - i < DRAW_GROUP ? (int)(end - i) : DRAW_GROUP;
        double p[DRAW_GROUP];
        struct frng *g[DRAW_GROUP];
        uint64_t seen[DRAW_GROUP];
        for (int j = 0; j < n; j++) {
            p[j] = peers_bench_chance(w, &w->orgs[i + j]);
            g[j] = org_rng(&w->orgs[i + j], RNG_PEERS);
        }
        draw_each_group(w->p.culture_dimensions, p, g, n, seen);
        for (int j = 0; j < n; j++) {
            struct org *o = &w->orgs[i + j];
            PREFETCH_AHEAD(w, i + j, end, 1);
            peers_step_seen(w, o, seen[j]);
            culture_step_org(o, &w->p);
            voice_step_org(o, &w->p, ln->team_sum, ln->team_n);
            workforce_draw_block_org(w, o, ln);
        }
    }
}

static void second_one(struct world *w, struct org *o, struct lane *ln)
{
    (void)ln;
    leadership_step_org(w, o);
    observe_org(w, o);
    regulator_step_org(w, o);
}
#endif

/* The process overview of the ODD description, phase by phase. */
void world_step(world *w)
{
    w->month++;
#ifdef TURNAROUND_BENCH_TIMERS
    /* make bench's timers time each phase over all organisations: the same
     * bits (scripts/bench compares this build's output with the release's). */
    BENCH_PHASE(STANDARD, standard_drift(w));        /* the sector's standard of good practice moves */
    BENCH_PHASE(PEERS, peers_step(w));               /* benchmarks through own feedback and peer ties; ties decay and renew */
    BENCH_PHASE(CULTURE, culture_step(w));           /* socialisation to the code; code learning from members who speak up */
    BENCH_PHASE(VOICE, voice_step(w));               /* psychological safety and each member's voice */
    BENCH_PHASE(WORKFORCE, workforce_step(w));       /* leavers, hires from the labour market, tenure */
    BENCH_PHASE(LEADERSHIP, leadership_step(w));     /* leader changes */
    BENCH_PHASE(OBSERVE, observe_step(w));           /* the month's measures */
    BENCH_PHASE(REGULATOR, regulator_step(w));       /* inspections, ratings, pressure, blame */
    BENCH_PHASE(INTERVENTION, intervention_step(w)); /* triggers, the strategies of the current phase, exit tests */
    bench_count_org_months(w->n_orgs);
#else
    standard_drift(w);                               /* the sector's standard of good practice moves */
    start_lanes(w);
    pool_run(w->pool, w->n_orgs, first_block, w);    /* peers, culture, voice; the workforce's leavers and the draws of their hires */
    workforce_settle(w);                             /* hires' beliefs copied, organisation by organisation */
    each_org(w, second_one);                         /* leadership, observe, regulator */
    intervention_step(w);                            /* triggers, the strategies of the current phase, exit tests */
#endif
}

int world_month(const world *w)
{
    return w->month;
}

size_t world_orgs(const world *w)
{
    return w->n_orgs;
}

size_t world_staff(const world *w)
{
    return w->n_staff;
}

const struct org_obs *world_obs(const world *w, size_t org)
{
    return &w->orgs[org].obs;
}

const struct org_history *world_history(const world *w, size_t org)
{
    return &w->orgs[org].hist;
}

void world_intervention(const world *w, size_t org, struct org_intervention *out)
{
    const struct intervention *iv = &w->orgs[org].iv;
    out->started = iv->state >= IV_ACTIVE;
    out->trigger_month = iv->trigger_month;
    out->start_month = iv->state >= IV_ACTIVE ? iv->start_month : -1;
    out->exit_month = iv->exit_month;
    out->first_good_month = iv->first_good_month;
    out->relapse_month = iv->relapse_month;
    out->commissioner_months = iv->commissioner_months;
    out->interim_months = iv->interim_months;
    out->peer_review_days = iv->peer_days;
}

size_t world_ties(const world *w, size_t org, const uint32_t **peers, const double **strength)
{
    const struct org *o = &w->orgs[org];
    *peers = w->tie_peer + o->tie_first;
    *strength = w->tie_strength + o->tie_first;
    return o->tie_count;
}

size_t world_bytes(const world *w)
{
    size_t bytes = w->bytes;
    for (int t = 0; t < w->threads; t++)
        bytes += w->lanes[t].bytes;
    return bytes;
}

size_t world_estimate_bytes(const struct params *p)
{
    size_t orgs = (size_t)p->sector_orgs, staff, ties, total;
    const int focal = p->focal_name[0] != '\0';
    const struct world *w = NULL;   /* for the sizes of its arrays' elements only */
    const size_t per_staff = sizeof *w->known + sizeof *w->value + sizeof *w->voice + sizeof *w->tenure
                             + (world_restructures(p) ? sizeof *w->team : 0) + sizeof *w->contract;
    const size_t per_org = sizeof *w->orgs + sizeof *w->pending;   /* its streams' states inside */
    if (checked_mul(orgs - (focal ? 1 : 0), (size_t)p->org_staff, &staff)
        || checked_add(staff, focal ? (size_t)p->focal_staff : 0, &staff)
        || checked_mul(orgs, (size_t)p->peers_degree + 1, &ties)
        || checked_mul(staff, per_staff, &staff)
        || checked_mul(ties, sizeof *w->tie_peer + sizeof *w->tie_strength, &ties)
        || checked_mul(orgs, per_org, &total)
        || checked_add(total, staff, &total)
        || checked_add(total, ties, &total))
        return SIZE_MAX;
    /* The ties' temporary edge list (half a tie each) is inside the margin of
     * the ties' own count (degree + 1 an organisation). The team buffers: as
     * many as the largest organisation's teams. */
    size_t largest = (size_t)(focal && p->focal_staff > p->org_staff ? p->focal_staff : p->org_staff);
    size_t teams = (largest + (size_t)p->org_team_size - 1) / (size_t)p->org_team_size;
    if (checked_add(total, teams * (sizeof *w->team_sum + sizeof *w->team_n) + sizeof *w, &total))
        return SIZE_MAX;
    return total;
}

const char *rating_name(int rating)
{
    switch (rating) {
    case RATING_OUTSTANDING:
        return "outstanding";
    case RATING_GOOD:
        return "good";
    case RATING_RI:
        return "requires_improvement";
    case RATING_INADEQUATE:
        return "inadequate";
    default:
        return "";
    }
}
