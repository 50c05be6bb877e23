/* Each submodel of the core on its own: invariants that must hold exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "params.h"
#include "support.h"
#include "rng.h"
#include "world.h"
#include "world_impl.h"

static struct params small(void)
{
    struct params p;
    params_default(&p);
    p.sector_orgs = 6;
    p.peers_degree = 2;
    p.org_staff = 40;
    p.run_months = 24;
    return p;
}

static world *make(const struct params *p, uint64_t seed)
{
    world *w = world_alloc(p, seed);
    assert_non_null(w);
    return w;
}

static void socialisation_rate_zero_changes_no_belief(void **state)
{
    (void)state;
    struct params p = small();
    p.culture_socialisation = 0.0;
    world *w = make(&p, 11);
    struct org *o = &w->orgs[1];
    size_t n = o->n;
    uint64_t *k0 = malloc(n * sizeof *k0), *v0 = malloc(n * sizeof *v0);
    memcpy(k0, o->known, n * sizeof *k0);
    memcpy(v0, o->value, n * sizeof *v0);
    for (int month = 0; month < 50; month++)
        culture_step_org(o, &p);
    assert_memory_equal(k0, o->known, n * sizeof *k0);
    assert_memory_equal(v0, o->value, n * sizeof *v0);
    free(k0);
    free(v0);
    world_free(w);
}

static void socialisation_moves_members_to_the_code(void **state)
{
    (void)state;
    struct params p = small();
    p.culture_socialisation = 1.0;
    p.culture_code_learning = 0.0;
    world *w = make(&p, 12);
    struct org *o = &w->orgs[2];
    culture_step_org(o, &p);
    for (uint32_t i = 0; i < o->n; i++)
        assert_int_equal(belief_match(o->known[i], o->value[i], o->code), __builtin_popcountll(o->code.known));
    world_free(w);
}

static void no_voice_means_no_code_learning(void **state)
{
    (void)state;
    struct params p = small();
    p.culture_code_learning = 1.0;
    p.culture_socialisation = 0.0;
    world *w = make(&p, 13);
    struct org *o = &w->orgs[0];
    o->code.known = o->code.value = 0;   /* a blank code: every member is "better" */
    o->bench = w->standard;
    for (uint32_t i = 0; i < o->n; i++)
        o->voice[i] = 0.0f;
    for (int month = 0; month < 50; month++) {
        culture_step_org(o, &p);
        assert_int_equal(o->acted_on, 0);
    }
    assert_int_equal(o->code.known, 0);

    for (uint32_t i = 0; i < o->n; i++)  /* the positive control: give them voice */
        o->voice[i] = 1.0f;
    culture_step_org(o, &p);
    assert_true(o->acted_on > 0);
    assert_true(o->code.known != 0);
    world_free(w);
}

static void code_follows_the_better_members_majority(void **state)
{
    (void)state;
    struct params p = small();
    p.culture_code_learning = 1.0;
    p.culture_socialisation = 0.0;
    p.culture_dimensions = 4;
    world *w = make(&p, 14);
    struct org *o = &w->orgs[0];
    o->bench = (struct belief){ 0xF, 0xF };  /* good practice: +1 everywhere */
    o->code = (struct belief){ 0xF, 0x0 };   /* the code: -1 everywhere */
    for (uint32_t i = 0; i < o->n; i++) {
        o->voice[i] = 1.0f;
        /* Half the members are better on dimension 0 only; the rest match the code. */
        o->known[i] = 0xF;
        o->value[i] = i % 2 ? 0x1 : 0x0;
    }
    culture_step_org(o, &p);
    assert_int_equal(o->code.value, 0x1);   /* p2 = 1 and a clear majority: it flips */
    assert_int_equal(o->acted_on, 1);
    world_free(w);
}

/* The rules March's text leaves open, on cases worked by hand (the reference
 * implementation's tests/reference/test_march1991.py has the same cases). Four
 * dimensions, good practice +1 everywhere, the code (+1, none, none, none): one
 * right, score 1. A = (+1,+1,-1,-1): two right, score 0. B = (+1,+1, none, none):
 * two right, score 2. Every other member (+1,-1,-1,-1) is never better. */
static world *rules_case(struct params *p, int rule, uint64_t seed)
{
    *p = small();
    p->culture_dimensions = 4;
    p->culture_socialisation = 0.0;
    p->culture_code_learning = 1.0;    /* every clear majority that differs is adopted */
    p->culture_superior = rule;
    world *w = make(p, seed);
    struct org *o = &w->orgs[0];
    o->bench = (struct belief){ 0xF, 0xF };
    o->code = (struct belief){ 0x1, 0x1 };
    for (uint32_t i = 0; i < o->n; i++) {
        o->voice[i] = 1.0f;
        o->known[i] = 0xF;
        o->value[i] = 0x1;
    }
    o->value[0] = 0x3;                 /* A */
    o->known[1] = o->value[1] = 0x3;   /* B */
    return w;
}

static void superior_by_dimensions_right(void **state)
{
    (void)state;
    struct params p;
    world *w = rules_case(&p, SUPERIOR_CORRECT, 21);
    struct org *o = &w->orgs[0];
    culture_step_org(o, &p);   /* A and B teach: +2, +2, -1, -1 */
    assert_int_equal(o->code.known, 0xF);
    assert_int_equal(o->code.value, 0x3);
    assert_int_equal(o->acted_on, 3);
    world_free(w);
}

static void superior_by_right_minus_wrong(void **state)
{
    (void)state;
    struct params p;
    world *w = rules_case(&p, SUPERIOR_SCORE, 21);
    struct org *o = &w->orgs[0];
    culture_step_org(o, &p);   /* B alone teaches: +1, +1, none, none */
    assert_int_equal(o->code.known, 0x3);
    assert_int_equal(o->code.value, 0x3);
    assert_int_equal(o->acted_on, 1);
    world_free(w);
}

/* Under the action rule a member with no view acts at random: B (two right,
 * two open) is better than the code unless both coins come up wrong (3/4), and
 * then teaches what it did. A acts as it believes (score 0) and never teaches. */
static void superior_by_what_members_do(void **state)
{
    (void)state;
    int changed = 0, trials = 4000;
    for (int t = 0; t < trials; t++) {
        struct params p;
        world *w = rules_case(&p, SUPERIOR_ACTION, 1000 + (uint64_t)t);
        struct org *o = &w->orgs[0];
        culture_step_org(o, &p);
        if (o->code.known != 0x1) {
            changed++;
            assert_int_equal(o->code.known, 0xF);           /* B acted on every dimension */
            assert_int_equal(o->code.value & 0x3, 0x3);
        }
        world_free(w);
    }
    double share = (double)changed / trials, se = sqrt(0.75 * 0.25 / trials);
    assert_true(fabs(share - 0.75) < 4 * se);
}

/* Socialisation at p1 = 1, code (+1, -1, none), a member (-1, none, +1). */
static void socialisation_adopts_or_steps(void **state)
{
    (void)state;
    for (int rule = MOVE_ADOPT; rule <= MOVE_STEP; rule++) {
        struct params p = small();
        p.culture_dimensions = 3;
        p.culture_socialisation = 1.0;
        p.culture_code_learning = 0.0;
        p.culture_socialise = rule;
        world *w = make(&p, 22);
        struct org *o = &w->orgs[0];
        o->code = (struct belief){ 0x3, 0x1 };
        o->known[0] = 0x5;
        o->value[0] = 0x4;
        culture_step_org(o, &p);
        if (rule == MOVE_ADOPT) {          /* (+1, -1, +1) */
            assert_int_equal(o->known[0], 0x7);
            assert_int_equal(o->value[0], 0x5);
        } else {                           /* (none, -1, +1) */
            assert_int_equal(o->known[0], 0x6);
            assert_int_equal(o->value[0], 0x4);
        }
        world_free(w);
    }
}

/* Code (-1, none), good practice (+1, +1), every member (+1, +1) and better:
 * adopted, the code becomes (+1, +1); stepped, (none, +1). */
static void code_adopts_or_steps(void **state)
{
    (void)state;
    for (int rule = MOVE_ADOPT; rule <= MOVE_STEP; rule++) {
        struct params p = small();
        p.culture_dimensions = 2;
        p.culture_socialisation = 0.0;
        p.culture_code_learning = 1.0;
        p.culture_code_update = rule;
        world *w = make(&p, 23);
        struct org *o = &w->orgs[0];
        o->bench = (struct belief){ 0x3, 0x3 };
        o->code = (struct belief){ 0x1, 0x0 };
        for (uint32_t i = 0; i < o->n; i++) {
            o->voice[i] = 1.0f;
            o->known[i] = o->value[i] = 0x3;
        }
        culture_step_org(o, &p);
        assert_int_equal(o->code.known, rule == MOVE_ADOPT ? 0x3 : 0x2);
        assert_int_equal(o->code.value, rule == MOVE_ADOPT ? 0x3 : 0x2);
        assert_int_equal(o->acted_on, 2);
        world_free(w);
    }
}

/* A quarter of 40 members socialise at the slow rate (here 0: never), spread
 * one in every four slots; the rest at p1 = 1. */
static void slow_socialisers_keep_their_rate(void **state)
{
    (void)state;
    struct params p = small();
    p.culture_socialisation = 1.0;
    p.culture_code_learning = 0.0;
    p.culture_slow_share = 0.25;
    p.culture_slow_socialisation = 0.0;
    world *w = make(&p, 24);
    struct org *o = &w->orgs[0];
    for (uint32_t i = 0; i < o->n; i++) {   /* everyone holds the opposite of the code */
        o->known[i] = o->code.known;
        o->value[i] = ~o->code.value & o->code.known;
    }
    culture_step_org(o, &p);
    int slow = 0;
    for (uint32_t i = 0; i < o->n; i++) {
        int moved = o->value[i] == o->code.value;
        if (!moved) {
            slow++;
            assert_int_equal(i % 4, 3);
        }
    }
    assert_int_equal(slow, 10);
    world_free(w);
}

/* March's measure of the code: right minus wrong over m; code_knowledge is right over m. */
static void march_knowledge_is_right_minus_wrong(void **state)
{
    (void)state;
    struct params p = small();
    p.culture_dimensions = 4;
    world *w = make(&p, 25);
    struct org *o = &w->orgs[0];
    w->standard = (struct belief){ 0xF, 0xF };
    o->code = (struct belief){ 0x7, 0x3 };   /* +1, +1, -1, none */
    observe_org(w, o);
    assert_close(o->obs.code_knowledge, 0.5, 1e-12);
    assert_close(o->obs.march_knowledge, 0.25, 1e-12);
    world_free(w);
}

/* focal.depth_spread: each replication's focal code fails to a depth of its
 * own, the shift uniform on [-s, s] and the correct and wrong counts moving
 * together; at 0 every replication has the same counts. */
static void focal_depth_spreads_between_replications(void **state)
{
    (void)state;
    struct params p = small();
    snprintf(p.focal_name, sizeof p.focal_name, "f");
    p.focal_code_correct = 0.45;
    p.focal_code_wrong = 0.35;   /* 14 right and 11 wrong of 30 (lround) */
    for (int spread = 0; spread <= 1; spread++) {
        p.focal_depth_spread = spread ? 0.2 : 0.0;
        int lo = 99, hi = -1;
        double sum = 0;
        const int reps = 400;
        for (int rep = 0; rep < reps; rep++) {
            world *w = make(&p, 9000 + (uint64_t)rep);
            const struct org *o = &w->orgs[0];
            uint64_t differ = (o->code.value ^ w->standard.value) & o->code.known & w->dim_mask;
            uint64_t agree = ~(o->code.value ^ w->standard.value) & o->code.known & w->dim_mask;
            int wrong = __builtin_popcountll(differ), right = __builtin_popcountll(agree);
            assert_in_range(wrong + right, 24, 26);   /* the unset share is kept, up to rounding */
            lo = wrong < lo ? wrong : lo;
            hi = wrong > hi ? wrong : hi;
            sum += wrong;
            world_free(w);
        }
        if (!spread) {
            assert_int_equal(lo, 11);
            assert_int_equal(hi, 11);
        } else {
            /* 0.35 +- 0.2 of 30 dimensions: 4.5 to 16.5; the mean stays 10.5,
             * well within 0.5 (its standard error is about 0.18). */
            assert_true(lo >= 4 && lo <= 5);
            assert_true(hi >= 16 && hi <= 17);
            assert_true(fabs(sum / reps - 10.5) < 0.6);
        }
    }
}

static void ties_decay_at_the_configured_rate_without_renewal(void **state)
{
    (void)state;
    struct params p = small();
    p.peers_renewal = 0.0;
    p.peers_decay = 0.07;
    world *w = make(&p, 15);
    struct org *o = &w->orgs[3];
    assert_true(o->tie_count > 0);
    double *s0 = malloc(o->tie_count * sizeof *s0);
    for (uint32_t t = 0; t < o->tie_count; t++)
        s0[t] = w->tie_strength[o->tie_first + t];
    for (int month = 0; month < 30; month++)
        peers_ties_org(w, o);
    for (uint32_t t = 0; t < o->tie_count; t++)
        assert_close(w->tie_strength[o->tie_first + t], s0[t] * pow(1.0 - 0.07, 30), 1e-12);
    free(s0);
    world_free(w);
}

static void pressure_cuts_tie_renewal(void **state)
{
    (void)state;
    struct params p = small();
    p.org_defensiveness = 1.0;
    world *w = make(&p, 16);
    struct org *calm = &w->orgs[1], *pressed = &w->orgs[2];
    calm->outward = pressed->outward = 1.0;
    calm->pressure = 0.0;
    pressed->pressure = 1.0;
    for (int month = 0; month < 100; month++) {
        peers_ties_org(w, calm);
        peers_ties_org(w, pressed);
    }
    assert_true(peers_insularity(w, calm) < 0.5);
    assert_true(peers_insularity(w, pressed) > 0.95);
    world_free(w);
}

static void staff_counts_are_conserved_under_turnover(void **state)
{
    (void)state;
    struct params p = small();
    p.staff_turnover = 0.3;
    p.staff_pressure_turnover = 0.0;
    world *w = make(&p, 17);
    size_t staff = world_staff(w);
    uint32_t n[16];
    for (size_t i = 0; i < w->n_orgs; i++)
        n[i] = w->orgs[i].n;
    unsigned long leavers = 0;
    for (int month = 0; month < 24; month++) {
        world_step(w);
        for (size_t i = 0; i < w->n_orgs; i++) {
            assert_int_equal(w->orgs[i].n, n[i]);
            assert_true(w->orgs[i].leavers <= n[i]);
            leavers += w->orgs[i].leavers;
        }
    }
    assert_int_equal(world_staff(w), staff);
    /* 24 months at 30% of 240 staff: 1728 leavers expected, sd about 35. */
    assert_in_range(leavers, 1550, 1900);
    world_free(w);
}

static void hires_start_with_no_tenure(void **state)
{
    (void)state;
    struct params p = small();
    world *w = make(&p, 18);
    struct org *o = &w->orgs[0];
    o->tenure[5] = 77;
    workforce_hire(w, o, 5);
    assert_int_equal(o->tenure[5], 0);
    assert_int_equal(o->contract[5], CONTRACT_PERMANENT);
    assert_int_equal(o->value[5] & ~o->known[5], 0);
    world_free(w);
}

static void feedback_one_makes_the_benchmark_the_standard(void **state)
{
    (void)state;
    struct params p = small();
    p.org_feedback = 1.0;
    world *w = make(&p, 19);
    peers_step(w);
    for (size_t i = 0; i < w->n_orgs; i++) {
        assert_int_equal(w->orgs[i].bench.known, w->standard.known);
        assert_int_equal(w->orgs[i].bench.value, w->standard.value);
    }
    world_free(w);
}

static void isolated_benchmark_stays_put(void **state)
{
    (void)state;
    struct params p = small();
    p.org_feedback = 0.0;
    p.peers_learning = 0.0;
    p.sector_turbulence = 0.5;
    world *w = make(&p, 20);
    struct belief b = w->orgs[4].bench;
    for (int month = 0; month < 12; month++)
        world_step(w);
    assert_int_equal(w->orgs[4].bench.known, b.known);
    assert_int_equal(w->orgs[4].bench.value, b.value);
    world_free(w);
}

static void perceived_equals_true_when_the_code_is_the_standard(void **state)
{
    (void)state;
    struct params p = small();
    world *w = make(&p, 21);
    struct org *o = &w->orgs[1];
    o->code = w->standard;
    observe_org(w, o);
    assert_close(o->obs.perceived, o->obs.quality, 1e-12);
    o->code.value = ~w->standard.value & w->dim_mask;  /* the code is wrong everywhere */
    observe_org(w, o);
    assert_true(o->obs.perceived + o->obs.quality <= 1.0 + 1e-12);
    world_free(w);
}

static void ratings_follow_thresholds(void **state)
{
    (void)state;
    struct params p = small();
    assert_int_equal(regulator_rate(&p, 0.95), RATING_OUTSTANDING);
    assert_int_equal(regulator_rate(&p, p.regulator_good), RATING_GOOD);
    assert_int_equal(regulator_rate(&p, p.regulator_good - 1e-9), RATING_RI);
    assert_int_equal(regulator_rate(&p, p.regulator_inadequate - 1e-9), RATING_INADEQUATE);
}

static void inspection_without_noise_sees_quality_plus_concealment(void **state)
{
    (void)state;
    struct params p = small();
    p.regulator_noise = 0.0;
    p.regulator_concealment = 0.5;
    world *w = make(&p, 22);
    struct org *o = &w->orgs[0];
    o->obs.quality = 0.5;
    o->obs.perceived = 0.9;
    o->obs.voice = 0.2;
    regulator_inspect(o, &p, 10);
    assert_close(o->obs.measured, 0.5 + 0.5 * 0.8 * 0.4, 1e-12);
    assert_int_equal(o->obs.rating, RATING_RI);
    o->obs.voice = 1.0;  /* full voice hides nothing */
    regulator_inspect(o, &p, 20);
    assert_close(o->obs.measured, 0.5, 1e-12);
    assert_int_equal(o->obs.rating, RATING_INADEQUATE);
    assert_int_equal(o->hist.month_failed, 20);
    assert_close(o->pressure, 1.0, 0.0);
    world_free(w);
}

static void blame_lowers_every_voice(void **state)
{
    (void)state;
    struct params p = small();
    p.voice_blame_shock = 0.5;
    p.voice_adapt = 0.0;
    world *w = make(&p, 23);
    struct org *o = &w->orgs[0];
    o->blame_pending = 1;
    double before = o->safety;
    voice_step_org(o, &p, w->team_sum, w->team_n);
    for (uint32_t i = 0; i < o->n; i++)
        assert_close(o->voice[i], 0.5 * p.voice_initial, 1e-6);
    assert_true(o->safety < before);
    assert_int_equal(o->blame_pending, 0);
    world_free(w);
}

static void leader_change_loses_memory(void **state)
{
    (void)state;
    struct params p = small();
    p.leader_memory_loss = 1.0;
    world *w = make(&p, 24);
    struct org *o = &w->orgs[0];
    assert_true(o->code.known != 0);
    leadership_change(o, &p, w->dim_mask);
    assert_int_equal(o->code.known, 0);
    assert_int_equal(o->code.value, 0);
    world_free(w);
}

static void same_seed_same_world_different_seed_different(void **state)
{
    (void)state;
    struct params p = small();
    world *a = make(&p, 99), *b = make(&p, 99), *c = make(&p, 100);
    for (int month = 0; month < 36; month++) {
        world_step(a);
        world_step(b);
        world_step(c);
    }
    int differ = 0;
    for (size_t i = 0; i < a->n_orgs; i++) {
        assert_memory_equal(&a->orgs[i].obs, &b->orgs[i].obs, offsetof(struct org_obs, measured));
        differ |= a->orgs[i].obs.quality != c->orgs[i].obs.quality;
    }
    assert_memory_equal(a->known, b->known, a->n_staff * sizeof *a->known);
    assert_true(differ);
    world_free(a);
    world_free(b);
    world_free(c);
}

/* The inline draws of draw.h are GSL's, draw by draw: each stream is drawn
 * both ways, the functions interleaved at random, over many draws. */
static void inline_draws_match_gsl(void **state)
{
    (void)state;
    static const double chances[] = { 1e-6, 0.01, 0.05, 0.1, 0.3, 0.5, 0.9, 0.99, 0.999999, 1.0 };
    static const unsigned long ranges[] = { 1, 2, 3, 7, 120, 1000, 65537, 4294967295UL };
    gsl_rng *pick = gsl_rng_alloc(gsl_rng_taus2);
    assert_non_null(pick);
    for (uint64_t s = 0; s < 12; s++) {
        gsl_rng *r = rng_stream_alloc(1000 + s, (enum rng_stream)(s % RNG_STREAMS), s);
        assert_non_null(r);
        struct frng g;
        frng_load(&g, r);
        for (int k = 0; k < 200000; k++) {
            size_t c = gsl_rng_uniform_int(pick, 10);
            switch (gsl_rng_uniform_int(pick, 5)) {
            case 0:
                assert_int_equal(frng_get(&g), gsl_rng_get(r));
                break;
            case 1: {
                double a = frng_uniform(&g), b = gsl_rng_uniform(r);
                assert_memory_equal(&a, &b, sizeof a);
                break;
            }
            case 2: {
                double a = frng_uniform_pos(&g), b = gsl_rng_uniform_pos(r);
                assert_memory_equal(&a, &b, sizeof a);
                break;
            }
            case 3: {
                unsigned long n = ranges[c % (sizeof ranges / sizeof ranges[0])];
                assert_int_equal(frng_uniform_int(&g, n), gsl_rng_uniform_int(r, n));
                break;
            }
            default: {
                struct geometric q = geometric_of(chances[c]);
                assert_int_equal(geometric_gap(&q, &g), (uint64_t)gsl_ran_geometric(r, chances[c]) - 1);
                break;
            }
            }
        }
        /* The copy, stored back, carries on where GSL's stream is. */
        frng_store(&g, r);
        gsl_rng *twin = gsl_rng_clone(r);
        assert_non_null(twin);
        for (int k = 0; k < 10; k++)
            assert_int_equal(gsl_rng_get(twin), gsl_rng_get(r));
        gsl_rng_free(twin);
        gsl_rng_free(r);
    }
    gsl_rng_free(pick);
    /* Geometric gaps at the model's rates, many of them. */
    static const double rates[] = { 0.05, 0.01, 0.02, 0.3, 1e-4 };
    for (size_t c = 0; c < sizeof rates / sizeof rates[0]; c++) {
        gsl_rng *r = rng_stream_alloc(77, RNG_CULTURE, c);
        assert_non_null(r);
        struct frng g;
        frng_load(&g, r);
        struct geometric q = geometric_of(rates[c]);
        for (int k = 0; k < 1000000; k++)
            assert_int_equal(geometric_gap(&q, &g), (uint64_t)gsl_ran_geometric(r, rates[c]) - 1);
        gsl_rng_free(r);
    }
}

/* A geometric table's gaps are GSL's formula's: around every threshold, over
 * x at a stride through all 2^32, and drawn from streams against
 * gsl_ran_geometric. */
/* draw_each, and draw_each_group on up to DRAW_GROUP streams at once, give the
 * bits of GSL's loop gsl_rng_uniform(r) < p, dimension by dimension, and
 * leave each stream where GSL's is, for every dimension count and chances
 * at the edges: 0, 1, exact multiples of 2^-32 and their neighbours. */
static void benchmark_draws_match_gsl(void **state)
{
    (void)state;
    const double q = 0x1p-32;
    static double chances[] = { 0.0, 1.0, 0.5, 0.25, 0.3, 0.05, 0.999, 1e-9, 0, 0, 0, 0 };
    chances[8] = 12345 * q;
    chances[9] = nextafter(12345 * q, 0.0);
    chances[10] = nextafter(12345 * q, 1.0);
    chances[11] = nextafter(1.0, 0.0);
    const int n_chances = (int)(sizeof chances / sizeof chances[0]);
    gsl_rng *pick = gsl_rng_alloc(gsl_rng_taus2);
    assert_non_null(pick);
    for (int round = 0; round < 3000; round++) {
        int dims = 1 + (int)gsl_rng_uniform_int(pick, 64), n = 1 + (int)gsl_rng_uniform_int(pick, DRAW_GROUP);
        gsl_rng *r[DRAW_GROUP];
        struct frng g[DRAW_GROUP], *gp[DRAW_GROUP];
        double p[DRAW_GROUP];
        uint64_t want[DRAW_GROUP], got[DRAW_GROUP];
        for (int j = 0; j < n; j++) {
            r[j] = rng_stream_alloc((uint64_t)round, RNG_PEERS, (uint64_t)j);
            assert_non_null(r[j]);
            frng_load(&g[j], r[j]);
            gp[j] = &g[j];
            p[j] = chances[gsl_rng_uniform_int(pick, (unsigned long)n_chances)];
            if (round % 3 == 0) {   /* the first draw itself at the edge: u = p, or just under it */
                struct frng peek = g[j];
                double u = (double)frng_get(&peek) * q;
                p[j] = round % 2 ? u : nextafter(u, 1.0);
            }
            want[j] = 0;
        }
        /* A stream drawn with draw_each first must match too. */
        struct frng single = g[0];
        uint64_t one = draw_each(dims, p[0], &single);
        draw_each_group(dims, p, gp, n, got);
        for (int j = 0; j < n; j++) {
            for (int d = 0; d < dims; d++)
                want[j] |= (uint64_t)(gsl_rng_uniform(r[j]) < p[j]) << d;
            assert_int_equal(got[j], want[j]);
            struct frng at;
            frng_load(&at, r[j]);
            assert_memory_equal(gp[j], &at, sizeof at);
            gsl_rng_free(r[j]);
        }
        assert_int_equal(one, want[0]);
        assert_memory_equal(&single, &g[0], sizeof single);
    }
    gsl_rng_free(pick);
}

/* The generator over a struct frng that GSL's functions draw from
 * (rng_over) is GSL's taus2: the same numbers through GSL's own uniform,
 * integer, Gaussian and shuffle, and the same seeding by gsl_rng_set. */
static void words_generator_is_gsl_taus2(void **state)
{
    (void)state;
    for (unsigned long seed = 0; seed < 40; seed++) {
        gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
        assert_non_null(r);
        struct frng g;
        gsl_rng mine = rng_over(&g);
        gsl_rng_set(r, seed * 2654435761UL);
        gsl_rng_set(&mine, seed * 2654435761UL);
        assert_int_equal(gsl_rng_max(&mine), gsl_rng_max(r));
        assert_int_equal(gsl_rng_min(&mine), gsl_rng_min(r));
        for (int k = 0; k < 20000; k++) {
            switch (k % 4) {
            case 0:
                assert_int_equal(gsl_rng_get(&mine), gsl_rng_get(r));
                break;
            case 1: {
                double a = gsl_rng_uniform(&mine), b = gsl_rng_uniform(r);
                assert_memory_equal(&a, &b, sizeof a);
                break;
            }
            case 2:
                assert_int_equal(gsl_rng_uniform_int(&mine, 1 + (unsigned long)k), gsl_rng_uniform_int(r, 1 + (unsigned long)k));
                break;
            default: {
                double a = gsl_ran_gaussian_ziggurat(&mine, 0.3), b = gsl_ran_gaussian_ziggurat(r, 0.3);
                assert_memory_equal(&a, &b, sizeof a);
                break;
            }
            }
        }
        int x[50], y[50];
        for (int i = 0; i < 50; i++)
            x[i] = y[i] = i;
        gsl_ran_shuffle(&mine, x, 50, sizeof x[0]);
        gsl_ran_shuffle(r, y, 50, sizeof y[0]);
        assert_memory_equal(x, y, sizeof x);
        struct frng at;
        frng_load(&at, r);
        assert_memory_equal(&g, &at, sizeof at);
        gsl_rng_free(r);
    }
}

static void geometric_tables_give_gsl_gaps(void **state)
{
    (void)state;
    static const double chances[] = { 0.05, 0.01, 0.2, 0.5, 0.9, 1e-3, 1e-7 };
    static struct geometric_table t;
    for (size_t c = 0; c < sizeof chances / sizeof chances[0]; c++) {
        double p = chances[c], log_q = log(1 - p);
        geometric_table_init(&t, p);
        assert_true(t.kmax > 0 && t.kmax <= GEOMETRIC_TABLE_GAPS);
        struct geometric q = geometric_tabled(&t);
        /* The table alone: the gap read off for x, against the formula. */
        for (uint32_t k = 1; k <= t.kmax; k++)
            for (long dx = -2; dx <= 2; dx++) {
                long x = (long)t.last[k] + dx;
                if (x < 1 || x > 0xffffffffL)
                    continue;
                uint64_t want = (uint64_t)(log((double)x / 4294967296.0) / log_q + 1) - 1;
                assert_true((want >= k) == (x <= (long)t.last[k]));
                /* The capped gap at its edge: the cap itself, or the gap below it. */
                uint64_t capped = geometric_below_of(&q, (unsigned long)x, k);
                assert_int_equal(capped, want >= k ? k : want);
            }
        for (unsigned long x = 1; x < 0xffffffffUL; x += 9973) {
            uint64_t want = (uint64_t)(log((double)x / 4294967296.0) / log_q + 1) - 1, got = 0;
            while (got < t.kmax && x <= t.last[got + 1])
                got++;
            if (got < t.kmax)
                assert_int_equal(got, want);
            else
                assert_true(want >= t.kmax);
        }
        /* Drawn: the whole of geometric_gap, rough logarithm and all. */
        gsl_rng *r = rng_stream_alloc(31, RNG_CULTURE, c);
        assert_non_null(r);
        struct frng g;
        frng_load(&g, r);
        for (int k = 0; k < 300000; k++)
            assert_int_equal(geometric_gap(&q, &g), (uint64_t)gsl_ran_geometric(r, p) - 1);
        /* Capped, with the table and without: the gap below the cap, and
         * from the cap on a gap at least the cap, on the same draw. */
        struct geometric untabled = geometric_of(p);
        for (int k = 0; k < 300000; k++) {
            uint64_t cap = (uint64_t)(k % 300), want = (uint64_t)gsl_ran_geometric(r, p) - 1;
            struct frng h = g;
            uint64_t got = geometric_gap_below(&q, &g, cap), plain = geometric_gap_below(&untabled, &h, cap);
            assert_memory_equal(&g, &h, sizeof g);
            if (want < cap) {
                assert_int_equal(got, want);
                assert_int_equal(plain, want);
            } else {
                assert_true(got >= cap && plain >= cap);
            }
        }
        gsl_rng_free(r);
    }
}

/* A gap found past n without its logarithm is past n by GSL's formula, at
 * every draw around the edge (1 - p)^n, and the shortcut is taken away
 * from the edge. */
static void gaps_surely_past_are_past(void **state)
{
    (void)state;
    static const double chances[] = { 0.0123, 0.02, 0.1, 0.5, 0.9, 0.999, 1e-6 };
    static const uint32_t sizes[] = { 1, 2, 3, 10, 37, 100, 1000 };
    for (size_t c = 0; c < sizeof chances / sizeof chances[0]; c++)
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            double p = chances[c], log_q = log(1 - p);
            uint32_t n = sizes[k];
            double edge = ldexp(pow(1 - p, n), 32);
            if (edge < 2.0)
                continue;
            long x0 = (long)edge;
            for (long x = x0 - 3000; x <= x0 + 3000; x++) {
                if (x < 1 || x > 0xffffffffL)
                    continue;
                uint64_t gap = (uint64_t)(log((double)x / 4294967296.0) / log_q + 1) - 1;
                if (geometric_surely_past(p, n, (unsigned long)x))
                    assert_true(gap >= n);
            }
            if (edge > 1e8) {   /* a thousandth of a percent either side is whole draws apart */
                assert_true(geometric_surely_past(p, n, (unsigned long)(edge * (1.0 - 1e-5))));
                assert_false(geometric_surely_past(p, n, (unsigned long)fmin(edge * (1.0 + 1e-5), 4294967295.0)));
            }
        }
    assert_false(geometric_surely_past(0.0, 10, 1));
    assert_false(geometric_surely_past(1.0, 10, 1));
}

/* draw_ternary, five digits at a time, is the digit-by-digit draw it replaced. */
static void ternary_draws_match_digit_by_digit(void **state)
{
    (void)state;
    for (int dims = 1; dims <= 64; dims++) {
        gsl_rng *r = rng_stream_alloc(5, RNG_INIT, (uint64_t)dims);
        assert_non_null(r);
        gsl_rng *twin = gsl_rng_clone(r);
        struct frng g;
        frng_load(&g, r);
        for (int n = 0; n < 2000; n++) {
            uint64_t k, v, k2 = 0, v2 = 0;
            draw_ternary(dims, &g, &k, &v);
            for (int d = 0; d < dims;) {
                unsigned long x = gsl_rng_get(twin);
                if (x >= 3486784401UL)
                    continue;
                for (int j = 0; j < 20 && d < dims; j++, d++) {
                    unsigned long digit = x % 3;
                    x /= 3;
                    k2 |= (uint64_t)(digit > 0) << d;
                    v2 |= (uint64_t)(digit == 1) << d;
                }
            }
            assert_int_equal(k, k2);
            assert_int_equal(v, v2);
        }
        gsl_rng_free(twin);
        gsl_rng_free(r);
    }
}

/* A sector that exercises every phase: hires between organisations, interims
 * whose contracts end, takeover's directive, leader changes, blame and
 * capability forecasts, in more organisations than threads. */
static struct params busy(void)
{
    struct params p = small();
    p.sector_orgs = 13;
    p.org_staff = 37;
    p.peers_degree = 4;
    p.run_months = 90;
    p.staff_turnover = 0.05;
    p.staff_hire_from_sector = 0.7;
    p.interim_months = 6;
    p.intervention_forecasts = 5;
    p.intervention_forecast_months = 12;
    p.intervention_check_every = 4;
    p.intervention_min_months = 6;
    p.init_code_correct = 0.35;
    p.init_code_wrong = 0.3;
    snprintf(p.intervention_applies_to, sizeof p.intervention_applies_to, "all");
    snprintf(p.intervention_schedule, sizeof p.intervention_schedule, "interim+blame:6, takeover");
    snprintf(p.intervention_exit, sizeof p.intervention_exit, "capability");
    return p;
}

static void assert_same_worlds(const struct world *a, const struct world *b)
{
    assert_int_equal(a->n_staff, b->n_staff);
    assert_memory_equal(a->known, b->known, a->n_staff * sizeof *a->known);
    assert_memory_equal(a->value, b->value, a->n_staff * sizeof *a->value);
    assert_memory_equal(a->voice, b->voice, a->n_staff * sizeof *a->voice);
    assert_memory_equal(a->tenure, b->tenure, a->n_staff * sizeof *a->tenure);
    assert_true((a->team == NULL) == (b->team == NULL));
    if (a->team)
        assert_memory_equal(a->team, b->team, a->n_staff * sizeof *a->team);
    assert_memory_equal(a->contract, b->contract, a->n_staff * sizeof *a->contract);
    assert_memory_equal(a->tie_strength, b->tie_strength, a->n_ties * sizeof *a->tie_strength);
    for (size_t i = 0; i < a->n_orgs; i++) {
        const struct org *x = &a->orgs[i], *y = &b->orgs[i];
        assert_memory_equal(&x->obs, &y->obs, sizeof x->obs);
        assert_memory_equal(&x->hist, &y->hist, sizeof x->hist);
        assert_memory_equal(&x->iv, &y->iv, sizeof x->iv);
        assert_memory_equal(&x->code, &y->code, sizeof x->code);
        assert_memory_equal(&x->bench, &y->bench, sizeof x->bench);
        assert_int_equal(x->leavers, y->leavers);
        assert_int_equal(x->interims, y->interims);
        assert_true(x->safety == y->safety && x->openness == y->openness && x->pressure == y->pressure);
    }
}

/* The same bits for 1, 2 and 4 threads, month by month, and when the number
 * changes during a run. */
static void threads_give_the_same_world(void **state)
{
    (void)state;
    struct params p = busy();
    static const signal_flag never;
    world *w[4];
    static const int threads[4] = { 1, 2, 4, 3 };
    for (int k = 0; k < 4; k++) {
        w[k] = world_alloc_threads(&p, 4242, &never, threads[k]);
        assert_non_null(w[k]);
        assert_int_equal(world_threads(w[k]), threads[k]);
    }
    int started = 0, exited = 0, interims = 0;
    for (int month = 0; month < p.run_months; month++) {
        for (int k = 0; k < 4; k++)
            world_step(w[k]);
        if (month == 40)
            assert_int_equal(world_set_threads(w[3], 2), 0);
        for (int k = 1; k < 4; k++)
            assert_same_worlds(w[0], w[k]);
        for (size_t i = 0; i < w[0]->n_orgs; i++)
            interims += w[0]->orgs[i].interims > 0;
    }
    for (size_t i = 0; i < w[0]->n_orgs; i++) {
        started += w[0]->orgs[i].iv.state >= IV_ACTIVE;
        exited += w[0]->orgs[i].iv.state == IV_EXITED;
    }
    /* What the sector went through, so the comparison covers it. */
    assert_true(started >= 3);
    assert_true(exited >= 1);
    assert_true(interims > 0);
    for (int k = 0; k < 4; k++)
        world_free(w[k]);
    assert_int_equal(world_set_threads(w[0] = make(&p, 1), 0), -1);
    assert_int_equal(world_set_threads(w[0], WORLD_MAX_THREADS + 1), -1);
    assert_int_equal(world_threads(w[0]), 1);
    world_free(w[0]);
}

/* The ODD's schedule as it reads: each phase over every organisation before
 * the next (what make bench's timer build runs). */
static void step_phase_by_phase(struct world *w)
{
    w->month++;
    standard_drift(w);
    peers_step(w);
    culture_step(w);
    voice_step(w);
    workforce_step(w);
    leadership_step(w);
    observe_step(w);
    regulator_step(w);
    intervention_step(w);
}

/* world_step, organisation by organisation (and in threads), is that schedule bit for bit. */
static void organisation_by_organisation_is_phase_by_phase(void **state)
{
    (void)state;
    struct params p = busy();
    static const signal_flag never;
    world *a = world_alloc_threads(&p, 77, &never, 1), *b = world_alloc_threads(&p, 77, &never, 1);
    world *c = world_alloc_threads(&p, 77, &never, 2), *d = world_alloc_threads(&p, 77, &never, 3);
    assert_true(a && b && c && d);
    for (int month = 0; month < p.run_months; month++) {
        world_step(a);
        step_phase_by_phase(b);
        world_step(c);
        step_phase_by_phase(d);
        assert_same_worlds(a, b);
        assert_same_worlds(a, c);
        assert_same_worlds(a, d);
    }
    world_free(a);
    world_free(b);
    world_free(c);
    world_free(d);
}

/* The tables culture reads (socialisation's gaps, code learning's chances)
 * give what working them out each month gives: a world whose organisations
 * have no tables steps to the same states. Both code-learning paths run:
 * the table's (levers.learning 1) and pow's (under takeover). */
static void culture_tables_change_nothing(void **state)
{
    (void)state;
    struct params p = busy();
    p.culture_code_learning = 0.4;   /* margins past the table's end are rare: make code learning busy */
    p.run_months = 60;
    world *a = make(&p, 5), *b = make(&p, 5);
    for (size_t i = 0; i < b->n_orgs; i++)
        b->orgs[i].tables = NULL;
    for (int month = 0; month < p.run_months; month++) {
        world_step(a);
        world_step(b);
        for (size_t i = 0; i < b->n_orgs; i++)
            b->orgs[i].tables = NULL;   /* a forecast's copy would keep the sector's */
        assert_same_worlds(a, b);
    }
    world_free(a);
    world_free(b);
}

/* Without a restructure in its schedule a world keeps no team array, its
 * teams being blocks of org.team_size in member order: voice then gives
 * what it gives with the array spelt out, teams of uneven end and all. */
static void teams_without_an_array_are_blocks(void **state)
{
    (void)state;
    struct params p = busy();
    p.org_team_size = 5;   /* 37 staff: seven teams of 5 and one of 2 */
    snprintf(p.intervention_schedule, sizeof p.intervention_schedule, "interim+blame:6, takeover");
    world *a = make(&p, 9), *b = make(&p, 9);
    assert_null(a->team);
    uint16_t *team = malloc(b->n_staff * sizeof *team);
    assert_non_null(team);
    for (size_t i = 0, first = 0; i < b->n_orgs; first += b->orgs[i].n, i++) {
        b->orgs[i].team = team + first;
        for (uint32_t k = 0; k < b->orgs[i].n; k++)
            b->orgs[i].team[k] = (uint16_t)(k / (uint32_t)p.org_team_size);
    }
    for (int month = 0; month < 40; month++) {
        world_step(a);
        world_step(b);
        for (size_t i = 0; i < a->n_orgs; i++) {
            const struct org *x = &a->orgs[i], *y = &b->orgs[i];
            assert_memory_equal(x->voice, y->voice, x->n * sizeof *x->voice);
            assert_memory_equal(x->known, y->known, x->n * sizeof *x->known);
            assert_memory_equal(&x->obs, &y->obs, offsetof(struct org_obs, measured));
        }
    }
    world_free(a);
    world_free(b);
    free(team);
}

/* The standard's drift is gsl_rng_uniform(rng_standard) < sector.turbulence
 * on each dimension in turn, what standard_drift's draw_each reproduces on
 * the generator's state: a clone of the generator, drawn through GSL, gives
 * the same flips and ends in the same state, month after month, at a
 * turbulence high enough that most months flip something. */
static void standard_drifts_as_gsl_draws(void **state)
{
    (void)state;
    struct params p = small();
    p.sector_turbulence = 0.2;
    world *w = make(&p, 17);
    gsl_rng *clone = gsl_rng_clone(w->rng_standard);
    assert_non_null(clone);
    int flipped = 0;
    for (int month = 0; month < 200; month++) {
        uint64_t want = w->standard.value;
        for (int d = 0; d < p.culture_dimensions; d++)
            if (gsl_rng_uniform(clone) < p.sector_turbulence)
                want ^= 1ULL << d;
        flipped += want != w->standard.value;
        standard_drift(w);
        assert_int_equal(w->standard.value, want);
        assert_int_equal(gsl_rng_get(w->rng_standard), gsl_rng_get(clone));
    }
    assert_true(flipped > 150);
    gsl_rng_free(clone);
    world_free(w);
}

/* The interventions' pass steps only the organisations whose step can change
 * something (intervention_pending): a world that steps every organisation
 * gives the same bits, month by month, under the control arm, a schedule
 * with interims and an exit test, a regime of re-inspections, and an interim
 * leader or interim staff in post after the exit. The pass
 * must also skip organisations whose intervention has begun (the control
 * arm's, once rated good), or the check says nothing. */
static void interventions_skip_only_what_changes_nothing(void **state)
{
    (void)state;
    static const char *const schedules[][2] = {
        { "none", "fixed:36" },
        { "interim+blame:6, takeover", "capability" },
        { "retained_ownership", "rating" },
        { "takeover", "fixed:12" },
        { "interim", "fixed:4" },
        { "interim", "fixed:2" },
    };
    int skipped = 0;
    for (size_t k = 0; k < sizeof schedules / sizeof schedules[0]; k++) {
        struct params p = busy();
        snprintf(p.intervention_schedule, sizeof p.intervention_schedule, "%s", schedules[k][0]);
        snprintf(p.intervention_exit, sizeof p.intervention_exit, "%s", schedules[k][1]);
        p.intervention_after_months = 12;
        if (k == 0 || k == 2) {   /* a regime of re-inspections, in the control arm too */
            p.intervention_reinspect_first = 2;
            p.intervention_reinspect_every = 3;
        }
        if (k == 4) {   /* an interim leader whose contract outlasts the intervention */
            p.interim_leader = 1;
            p.interim_months = 9;
            p.interim_share = 0.0;   /* no interim staff, whose cost would keep it stepped anyway */
        }
        if (k == 5)   /* interim staff still in post, and costing, after the intervention */
            p.interim_months = 9;
        world *a = make(&p, 21), *b = make(&p, 21);
        free(b->pending);
        b->pending = NULL;   /* every organisation stepped */
        for (int month = 0; month < 120; month++) {
            world_step(a);
            world_step(b);
            assert_same_worlds(a, b);
            for (size_t i = 0; i < a->n_orgs; i++)
                skipped += !a->pending[i] && a->orgs[i].iv.state != IV_NONE;
        }
        world_free(a);
        world_free(b);
    }
    assert_true(skipped > 100);
}

/* Each organisation's tie total, which benchmarking and insularity read, is
 * the sum of its ties' strengths as they stand, in order, every month:
 * through decay and renewal and through peer reviews. */
static void tie_totals_are_the_sums(void **state)
{
    (void)state;
    struct params p = busy();
    snprintf(p.intervention_schedule, sizeof p.intervention_schedule, "peer_challenge");
    p.peer_every = 2;
    world *w = make(&p, 12);
    int reviewed = 0;
    for (int month = 0; month < 60; month++) {
        world_step(w);
        for (size_t i = 0; i < w->n_orgs; i++) {
            const struct org *o = &w->orgs[i];
            double total = 0.0;
            for (uint32_t t = o->tie_first; t < o->tie_first + o->tie_count; t++)
                total += w->tie_strength[t];
            assert_memory_equal(&total, &o->tie_total, sizeof total);
            reviewed += o->iv.peer_days > 0.0;
        }
    }
    assert_true(reviewed > 0);
    world_free(w);
}

/* When a thread's buffer of hires cannot grow, that organisation's hires are
 * drawn one at a time in the second pass instead, with the same draws: the
 * month ends as if nothing had failed. */
static void hires_drawn_late_when_the_buffer_is_full(void **state)
{
    (void)state;
    struct params p = busy();
    world *a = make(&p, 5), *b = make(&p, 5);
    for (int month = 0; month < 30; month++) {
        world_step(a);
        if (month != 20) {
            step_phase_by_phase(b);
            assert_same_worlds(a, b);
            continue;
        }
        /* Month 21, phase by phase, with organisation 3's lane full: a
         * buffer as long as memory can count, so growing it overflows. */
        b->month++;
        standard_drift(b);
        peers_step(b);
        culture_step(b);
        voice_step(b);
        b->lanes[0].n_hires = 0;
        struct lane full = { 0 };
        full.n_hires = full.cap_hires = SIZE_MAX / 32;
        uint64_t streams[2] = { 0 };
        for (size_t i = 0; i < b->n_orgs; i++) {
            struct org *o = &b->orgs[i];
            if (i == 3) {
                streams[0] = org_rng(o, RNG_HIRING)->s1;
                streams[1] = org_rng(o, RNG_WORKFORCE)->s1;
            }
            workforce_draw_block_org(b, o, i == 3 ? &full : &b->lanes[0]);
        }
        const struct org *o3 = &b->orgs[3];
        assert_int_equal(o3->leavers, LEAVERS_DEFERRED);
        assert_int_equal(full.deferred, 1);
        b->lanes[0].deferred += full.deferred;   /* lane 0 is the one thread's: it holds organisation 3 */
        assert_int_equal(full.n_hires, SIZE_MAX / 32);   /* nothing pushed, nothing drawn */
        assert_int_equal(org_rng(&b->orgs[3], RNG_HIRING)->s1, streams[0]);
        assert_int_equal(org_rng(&b->orgs[3], RNG_WORKFORCE)->s1, streams[1]);
        workforce_settle(b);
        leadership_step(b);
        observe_step(b);
        regulator_step(b);
        intervention_step(b);
        assert_true(b->orgs[3].leavers > 0);   /* it did have leavers, drawn late */
        assert_same_worlds(a, b);
    }
    world_free(a);
    world_free(b);
}

static void streams_are_independent(void **state)
{
    (void)state;
    /* More turnover means more hiring draws, but the standard's drift and the
     * regulator's noise come from streams of their own and must not move. */
    struct params p = small(), q = small();
    q.staff_turnover = 0.2;
    world *a = make(&p, 7), *b = make(&p, 7);
    world_free(b);
    b = make(&q, 7);
    for (int month = 0; month < 60; month++) {
        world_step(a);
        world_step(b);
        assert_int_equal(a->standard.value, b->standard.value);
    }
    world_free(a);
    world_free(b);
}

static void distinct_streams_get_distinct_seeds(void **state)
{
    (void)state;
    uint64_t rep = rng_rep_seed(1, 0);
    assert_true(rng_rep_seed(1, 0) != rng_rep_seed(1, 1));
    assert_true(rng_rep_seed(1, 0) != rng_rep_seed(2, 0));
    /* Replication seeds stay below 2^49, so every reader that holds them as
     * doubles (R, a spreadsheet's 15 digits) keeps them exact; and they still
     * use all 49 bits: the largest of many is close to the bound. */
    uint64_t top = 0;
    for (uint64_t k = 0; k < 100000; k++) {
        uint64_t s = rng_rep_seed(k % 7 == 0 ? UINT64_MAX - k : k, k);
        assert_true(s < (UINT64_C(1) << RNG_REP_SEED_BITS));
        assert_true(s < UINT64_C(1000000000000000));
        assert_true((uint64_t)(double)s == s);
        if (s > top)
            top = s;
    }
    assert_true(top > (UINT64_C(1) << RNG_REP_SEED_BITS) - (UINT64_C(1) << 40));
    for (int s = 0; s < RNG_STREAMS; s++)
        for (int t = s + 1; t < RNG_STREAMS; t++)
            assert_true(rng_stream_key(rep, (enum rng_stream)s, 3) != rng_stream_key(rep, (enum rng_stream)t, 3));
    assert_true(rng_stream_key(rep, RNG_CULTURE, 0) != rng_stream_key(rep, RNG_CULTURE, 1));
    /* Keys of a million organisations' streams are all distinct (64 bits:
     * no birthday collisions at this scale), and so are the generators' draws. */
    gsl_rng *a = rng_stream_alloc(rep, RNG_CULTURE, 0), *b = rng_stream_alloc(rep, RNG_CULTURE, 1);
    int same = 1;
    for (int k = 0; k < 8; k++)
        same &= gsl_rng_get(a) == gsl_rng_get(b);
    assert_false(same);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

static void network_is_symmetric_with_the_configured_degree(void **state)
{
    (void)state;
    struct params p = small();
    p.sector_orgs = 200;
    p.peers_degree = 6;
    p.peers_rewire = 0.0;
    world *w = make(&p, 25);
    for (size_t i = 0; i < w->n_orgs; i++) {
        const struct org *o = &w->orgs[i];
        assert_int_equal(o->tie_count, 6);
        for (uint32_t t = o->tie_first; t < o->tie_first + o->tie_count; t++) {
            const struct org *peer = &w->orgs[w->tie_peer[t]];
            int back = 0;
            for (uint32_t u = peer->tie_first; u < peer->tie_first + peer->tie_count; u++)
                back |= w->tie_peer[u] == i;
            assert_true(back);
            assert_true(w->tie_peer[t] != i);
        }
    }
    world_free(w);
}

/* The memory estimate made before a world is allocated agrees with what the
 * allocation then counts (within 5%, never below by more than the margin),
 * across shapes: so a refusal by --max-memory is a refusal of the real size.
 * In each shape, every organisation's staff and first member are where
 * world_org_staff and world_org_first, which hires read, say they are. */
static void memory_estimate_matches_the_allocation(void **state)
{
    (void)state;
    static const struct { long orgs, staff, degree, focal_staff; } shapes[] = {
        { 30, 60, 4, 0 }, { 1, 1, 0, 0 }, { 200, 500, 10, 0 }, { 1000, 10, 4, 0 }, { 12, 30, 4, 900 },
    };
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        struct params p;
        params_default(&p);
        p.sector_orgs = (int)shapes[k].orgs;
        p.org_staff = (int)shapes[k].staff;
        p.peers_degree = (int)shapes[k].degree;
        if (shapes[k].focal_staff) {
            strcpy(p.focal_name, "focal");
            p.focal_staff = (int)shapes[k].focal_staff;
        }
        world *w = make(&p, 3);
        for (size_t j = 0; j < w->n_orgs; j++) {
            assert_int_equal(world_org_staff(w, j), w->orgs[j].n);
            assert_int_equal(world_org_first(w, j), (size_t)(w->orgs[j].known - w->known));
        }
        double real = (double)world_bytes(w), guess = (double)world_estimate_bytes(&p);
        world_free(w);
        if (!(guess >= 0.95 * real && guess <= 1.05 * real + 4096))
            fail_msg("shape %zu: estimate %.0f bytes, allocated %.0f", k, guess, real);
    }
    /* A sector no machine holds: the estimate says so without wrapping. */
    struct params p;
    params_default(&p);
    p.sector_orgs = 1000000;
    p.org_staff = 1000000;
    assert_true(world_estimate_bytes(&p) > (size_t)1 << 40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(socialisation_rate_zero_changes_no_belief),
        cmocka_unit_test(socialisation_moves_members_to_the_code),
        cmocka_unit_test(no_voice_means_no_code_learning),
        cmocka_unit_test(code_follows_the_better_members_majority),
        cmocka_unit_test(superior_by_dimensions_right),
        cmocka_unit_test(superior_by_right_minus_wrong),
        cmocka_unit_test(superior_by_what_members_do),
        cmocka_unit_test(socialisation_adopts_or_steps),
        cmocka_unit_test(code_adopts_or_steps),
        cmocka_unit_test(slow_socialisers_keep_their_rate),
        cmocka_unit_test(march_knowledge_is_right_minus_wrong),
        cmocka_unit_test(focal_depth_spreads_between_replications),
        cmocka_unit_test(ties_decay_at_the_configured_rate_without_renewal),
        cmocka_unit_test(pressure_cuts_tie_renewal),
        cmocka_unit_test(staff_counts_are_conserved_under_turnover),
        cmocka_unit_test(hires_start_with_no_tenure),
        cmocka_unit_test(feedback_one_makes_the_benchmark_the_standard),
        cmocka_unit_test(isolated_benchmark_stays_put),
        cmocka_unit_test(perceived_equals_true_when_the_code_is_the_standard),
        cmocka_unit_test(ratings_follow_thresholds),
        cmocka_unit_test(inspection_without_noise_sees_quality_plus_concealment),
        cmocka_unit_test(blame_lowers_every_voice),
        cmocka_unit_test(leader_change_loses_memory),
        cmocka_unit_test(same_seed_same_world_different_seed_different),
        cmocka_unit_test(streams_are_independent),
        cmocka_unit_test(inline_draws_match_gsl),
        cmocka_unit_test(ternary_draws_match_digit_by_digit),
        cmocka_unit_test(geometric_tables_give_gsl_gaps),
        cmocka_unit_test(gaps_surely_past_are_past),
        cmocka_unit_test(benchmark_draws_match_gsl),
        cmocka_unit_test(words_generator_is_gsl_taus2),
        cmocka_unit_test(threads_give_the_same_world),
        cmocka_unit_test(organisation_by_organisation_is_phase_by_phase),
        cmocka_unit_test(culture_tables_change_nothing),
        cmocka_unit_test(teams_without_an_array_are_blocks),
        cmocka_unit_test(tie_totals_are_the_sums),
        cmocka_unit_test(interventions_skip_only_what_changes_nothing),
        cmocka_unit_test(standard_drifts_as_gsl_draws),
        cmocka_unit_test(hires_drawn_late_when_the_buffer_is_full),
        cmocka_unit_test(distinct_streams_get_distinct_seeds),
        cmocka_unit_test(network_is_symmetric_with_the_configured_degree),
        cmocka_unit_test(memory_estimate_matches_the_allocation),
    };
    return cmocka_run_group_tests_name("model submodels", tests, NULL, NULL);
}
