/* The world's insides, shared by the model's modules and their tests only. */
#ifndef TURNAROUND_WORLD_IMPL_H
#define TURNAROUND_WORLD_IMPL_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "draw.h"
#include "params.h"
#include "rng.h"
#include "schedule.h"
#include "world.h"
#include "signal_flag.h"

/* A belief vector over up to 64 dimensions: known bit d set means a view on
 * dimension d, value bit d its sign (set: +1). value has no bit outside known. */
struct belief {
    uint64_t known, value;
};

/* Commissioners are not staff: they act through the levers. */
enum contract { CONTRACT_PERMANENT, CONTRACT_INTERIM };

enum intervention_state { IV_NONE, IV_PENDING, IV_ACTIVE, IV_EXITED };

/* An organisation's intervention: its course, costs and the commissioners. */
struct intervention {
    int state;                 /* enum intervention_state */
    int trigger_month, start_month, exit_month;
    int first_good_month;      /* first good or outstanding rating from the start on; -1 none */
    int relapse_month;         /* first inadequate rating after exit; -1 none */
    unsigned active;           /* strategies acting this month */
    int next_blame, next_restructure, next_review, next_check;
    int interim_leader_until;  /* month an interim leader's contract ends; -1 none */
    uint64_t view_errors;      /* dimensions the commissioners have wrong */
    uint64_t scope;            /* dimensions a takeover directs */
    double commissioner_months, interim_months, peer_days;
};

/* The levers through which strategies act on the processes; each process
 * reads only these, never the strategies. Neutral values: learning 1, the
 * rest 0 or empty. */
struct levers {
    double learning;           /* factor on code learning (culture) */
    struct belief directive;   /* practice directed by commissioners (culture, observe) */
    double internalise;        /* chance a member comes to believe a directed practice (culture) */
    double tie_effort;         /* extra effort rebuilding ties (peers) */
    double show_view;          /* chance a dimension of the commissioners' view reaches the benchmark (peers) */
    double safety;             /* rate at which safety is raised toward 1 (voice) */
    double coaching;           /* rate at which the leader's openness and outward orientation rise (leadership) */
};

#define ORG_STREAMS (RNG_STREAMS - 2)   /* all but RNG_NETWORK and RNG_STANDARD */

/* What culture reads off the sector's tables instead of working out each
 * month: socialisation's gaps (social.kmax 0: none), and the chance that
 * code learning moves the code on a dimension where the speakers' majority
 * has margin m, 1 - stay^m with stay = 1 - culture.code_learning, for m up
 * to CULTURE_LEARN_TABLE (stay NaN: none). The same pow(stay, m) the month
 * would evaluate, so the same numbers. */
#define CULTURE_LEARN_TABLE 32
struct culture_tables {
    struct geometric_table social;
    double stay;
    double learn[CULTURE_LEARN_TABLE + 1];
};

struct org {
    /* Staff, as views into the world's arrays (one entry per member). */
    uint32_t n;
    uint32_t n_teams;
    uint64_t *known, *value;   /* beliefs, which are also practice */
    float *voice;              /* chance of speaking up in a month */
    uint16_t *tenure;          /* months in post */
    uint16_t *team;            /* NULL: member i is in team i / org.team_size (no restructure can change it) */
    uint8_t *contract;

    struct belief code;        /* how we do things here */
    struct belief bench;       /* the organisation's view of the sector's standard */

    double openness;           /* leader's openness to dissent */
    double outward;            /* leader's outward orientation */
    double safety;             /* psychological safety, organisation-wide */
    double pressure;           /* regulatory pressure, 0..1 */

    uint32_t tie_first, tie_count; /* its ties in the world's tie arrays */

    /* This month's events. */
    uint32_t leavers;
    uint32_t acted_on;         /* code dimensions changed by members' voice */
    int blame_pending;

    int next_inspection;
    struct org_obs obs;
    struct org_history hist;

    uint32_t index;            /* in the sector (a forecast's copy keeps it) */
    uint32_t interims;         /* members on interim contracts */
    double tie_total;          /* its ties' strengths summed in order, as they stand (peers_tie_total) */
    struct intervention iv;
    struct levers lv;

    struct frng rng[ORG_STREAMS];   /* its own streams' states: org_rng */
    const struct culture_tables *tables;   /* the sector's (a forecast's copy keeps them) */
};

/* The state of one of an organisation's streams (RNG_INIT, then RNG_PEERS
 * to RNG_INTERVENTION: the sector-wide two come between). */
static inline struct frng *org_rng(struct org *o, enum rng_stream s)
{
    return &o->rng[s == RNG_INIT ? 0 : (int)s - 2];
}

/* A hire drawn in the workforce phase, its beliefs copied once every
 * organisation has drawn its own: from a member of organisation from in the
 * labour market, known being that member's place in the market's arrays
 * (so copying it needs no look at organisation from), or (from UINT32_MAX)
 * a new entrant with beliefs (known, value); nor at its own organisation,
 * the post being found in the world's arrays too. */
struct hire {
    uint32_t slot, from;
    uint64_t known, value;
    size_t post;               /* slot's place in the world's arrays */
};

#define HIRE_ENTRANT UINT32_MAX
#define LEAVERS_DEFERRED UINT32_MAX   /* o->leavers while its hires are drawn in the second pass */

/* One thread's work buffers, each on cache lines of its own (a hire pushed
 * by one thread must not evict another thread's lane). */
struct lane {
    _Alignas(64) double *team_sum; /* per-team sums of the voice phase (lane 0: the world's own) */
    uint32_t *team_n;
    struct hire *hires;        /* this month's hires of the lane's organisations, in order */
    size_t n_hires, cap_hires;
    size_t deferred;           /* this month's organisations whose hires wait for the second pass (LEAVERS_DEFERRED) */
    size_t bytes;
};

struct world {
    struct params p;
    uint64_t rep_seed;
    int month;
    uint64_t dim_mask;         /* the culture.dimensions low bits */
    struct belief standard;    /* the sector's standard of good practice */

    size_t n_orgs;
    struct org *orgs;

    size_t n_staff;
    uint64_t *known, *value;
    float *voice;
    uint16_t *tenure, *team;
    uint8_t *contract;

    size_t n_ties;
    uint32_t *tie_peer;
    double *tie_strength;      /* the tie's owner's investment in it */

    double *team_sum;          /* per-team work buffers for the voice phase */
    uint32_t *team_n;

    gsl_rng *rng_standard;
    size_t bytes;

    struct schedule schedule;  /* the intervention; n == 0: none (the control arm) */
    struct exit_test exit;
    int intervene;             /* 0 in a capability forecast: nothing intervenes */
    int observe_last;          /* a forecast's last month: it measures only then and when inspected (0: every month) */
    int threads;               /* organisations stepped in parallel by pool (1: none) */
    struct pool *pool;
    struct lane *lanes;        /* one per thread */
    uint32_t max_teams;        /* the largest organisation's teams */
    uint32_t first_staff, other_staff; /* organisation 0's staff (the focal one's, if any) and every other's (place_staff) */
    uint8_t *pending;          /* per organisation: intervention_pending this month (NULL: step all) */
    const signal_flag *init_stop; /* while world_alloc sets the organisations up */
    const struct world *market; /* whose organisations hires come from: itself, or a forecast's sector */
    struct culture_tables culture;         /* socialisation's gaps (culture.socialisation in (0, 1)), code learning's chances */
    const struct geometric_table *init_table; /* while world_alloc sets the organisations up: a starting member's copied dimensions' (init.staff_socialised); NULL none */
    struct geometric_table leave_table;    /* leavers' (staff.turnover, without pressure) */
};

/* Organisation j's staff and its first member's place in the world's arrays,
 * without a look at its struct (a cache miss when a hire's source is drawn
 * from a large sector): organisation 0 has first_staff, every other
 * other_staff, in order. */
static inline uint32_t world_org_staff(const struct world *w, size_t j)
{
    return j == 0 ? w->first_staff : w->other_staff;
}

static inline size_t world_org_first(const struct world *w, size_t j)
{
    return j == 0 ? 0 : w->first_staff + (j - 1) * (size_t)w->other_staff;
}

static inline int belief_match(uint64_t known, uint64_t value, struct belief ref)
{
    return __builtin_popcountll(known & ref.known & ~(value ^ ref.value));
}

static inline double clamp01(double x)
{
    return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
}

/* The processes, in the order of the monthly schedule. Each lives in the file
 * named after it. */
void standard_drift(struct world *w);
void peers_step(struct world *w);
void culture_step(struct world *w);
void voice_step(struct world *w);
void workforce_step(struct world *w);
void leadership_step(struct world *w);
void observe_step(struct world *w);
void regulator_step(struct world *w);
void intervention_step(struct world *w);
int intervention_pending(const struct world *w, const struct org *o);

/* Per-organisation pieces: what world_step runs organisation by
 * organisation, and tests of one submodel. */
void peers_step_org(struct world *w, struct org *o);
double peers_bench_chance(const struct world *w, const struct org *o);
void peers_step_seen(struct world *w, struct org *o, uint64_t seen);
void leadership_step_org(struct world *w, struct org *o);
void regulator_step_org(struct world *w, struct org *o);
void workforce_draw_block_org(struct world *w, struct org *o, struct lane *ln);  /* tenure and the draws */
void workforce_settle(struct world *w);                                            /* the copying, in order */
void culture_step_org(struct org *o, const struct params *p);
void voice_step_org(struct org *o, const struct params *p, double *team_sum, uint32_t *team_n);
void peers_ties_org(struct world *w, struct org *o);
int workforce_draw_org(struct world *w, struct org *o, struct lane *ln);
void workforce_apply(struct world *w, const struct hire *h);   /* its beliefs copied into its post */
void workforce_hire(struct world *w, struct org *o, uint32_t slot);
void leadership_change(struct org *o, const struct params *p, uint64_t dim_mask);
void observe_org(const struct world *w, struct org *o);
void regulator_inspect(struct org *o, const struct params *p, int month);
int regulator_rate(const struct params *p, double measured);

/* Interventions, in intervention.c, strategy.c and forecast.c. */
struct belief intervention_view(const struct world *w, const struct org *o);
void levers_reset(struct levers *lv);
void strategy_blame(struct world *w, struct org *o);
void strategy_restructure(struct world *w, struct org *o);
void strategy_peer_review(struct world *w, struct org *o);
void strategy_interims(struct world *w, struct org *o);
void strategy_levers(const struct world *w, struct org *o, unsigned active);
/* Whether at least intervention.forecast_share of the forecasts of the
 * organisation, left without support, end good. */
int forecast_capable(const struct world *w, const struct org *o);
/* One forecast's world: o as the commissioners know it, alone; NULL when memory runs out. */
struct world *forecast_world(const struct world *w, const struct org *o, uint64_t seed);

/* Whether a world of p's schedule can restructure (and so keeps each
 * member's team), in world.c. */
int world_restructures(const struct params *p);

/* Work buffers, in world.c. */
int world_lanes(struct world *w, int threads);
void lanes_free(struct lane *ln, int threads);

/* Set-up, in org.c and peers.c. */
int peers_build(struct world *w, gsl_rng *r);
void peers_init_strengths(struct world *w, gsl_rng *r);
void org_init(struct world *w, struct org *o, size_t index);
void leadership_draw(struct org *o, const struct params *p);
double peers_insularity(const struct world *w, const struct org *o);
/* Sets o->tie_total after its ties' strengths change outside peers.c. */
void peers_tie_total(const struct world *w, struct org *o);
double peers_steady_strength(const struct params *p, double outward);

#endif
