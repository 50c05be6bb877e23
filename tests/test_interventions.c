/* Interventions: schedules and exit tests as written, each strategy's acts,
 * common random numbers across arms and the isolation of forecasts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"
#include "patterns.h"
#include "schedule.h"
#include "support.h"
#include "world.h"
#include "world_impl.h"

#define BIT(s) (1u << (s))

static void schedules_parse(void **state)
{
    (void)state;
    struct schedule s;
    char msg[400];
    assert_int_equal(schedule_parse("none", &s, msg, sizeof msg), 0);
    assert_int_equal(s.n, 0);
    assert_int_equal(schedule_parse("takeover:18, retained_ownership", &s, msg, sizeof msg), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(schedule_active(&s, 0), BIT(STRATEGY_TAKEOVER));
    assert_int_equal(schedule_active(&s, 17), BIT(STRATEGY_TAKEOVER));
    assert_int_equal(schedule_active(&s, 18), BIT(STRATEGY_OWNERSHIP));
    assert_int_equal(schedule_active(&s, 500), BIT(STRATEGY_OWNERSHIP));
    assert_int_equal(schedule_end(&s), SCHEDULE_OPEN);
    assert_int_equal(schedule_parse("retained_ownership + peer_challenge", &s, msg, sizeof msg), 0);
    assert_int_equal(schedule_active(&s, 3), BIT(STRATEGY_OWNERSHIP) | BIT(STRATEGY_PEER_CHALLENGE));
    assert_int_equal(schedule_parse("takeover@0..12, interim@18..30", &s, msg, sizeof msg), 0);
    assert_int_equal(schedule_active(&s, 15), 0);
    assert_int_equal(schedule_active(&s, 20), BIT(STRATEGY_INTERIM));
    assert_int_equal(schedule_end(&s), 30);
}

static void bad_schedules_say_why(void **state)
{
    (void)state;
    struct schedule s;
    char msg[400];
    assert_int_equal(schedule_parse("takover", &s, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "unknown strategy 'takover'"));
    assert_non_null(strstr(msg, "retained_ownership"));
    assert_int_equal(schedule_parse("takeover@0..18, interim@12..30", &s, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "overlap"));
    assert_int_equal(schedule_parse("takeover:-3", &s, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "negative"));
    assert_int_equal(schedule_parse("takeover@-2..5", &s, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "negative"));
    assert_int_equal(schedule_parse("takeover, interim", &s, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "only the last phase"));
    assert_int_equal(schedule_parse("takeover@5..5", &s, msg, sizeof msg), -1);
    assert_int_equal(schedule_parse("", &s, msg, sizeof msg), -1);
}

static void exit_tests_parse(void **state)
{
    (void)state;
    struct exit_test e;
    char msg[400];
    assert_int_equal(exit_parse("fixed:36", &e, msg, sizeof msg), 0);
    assert_int_equal(e.kind, EXIT_FIXED);
    assert_int_equal(e.months, 36);
    assert_int_equal(exit_parse("rating", &e, msg, sizeof msg), 0);
    assert_int_equal(e.kind, EXIT_RATING);
    assert_int_equal(exit_parse("capability", &e, msg, sizeof msg), 0);
    assert_int_equal(e.kind, EXIT_CAPABILITY);
    assert_int_equal(exit_parse(" improved ", &e, msg, sizeof msg), 0);
    assert_int_equal(e.kind, EXIT_IMPROVED);
    assert_int_equal(exit_parse("fixed", &e, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "needs its number of months"));
    assert_int_equal(exit_parse("fixed:0", &e, msg, sizeof msg), -1);
    assert_int_equal(exit_parse("whenever", &e, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "capability"));
}

/* A world whose focal organisation is under intervention, which lasts 12
 * months under a fixed exit or, with exit NULL, until the world ends. */
static world *started(struct params *p, const char *schedule, const char *exit)
{
    patterns_stuck(p);
    snprintf(p->intervention_schedule, sizeof p->intervention_schedule, "%s", schedule);
    snprintf(p->intervention_exit, sizeof p->intervention_exit, "%s", exit ? exit : "fixed:1000");
    p->intervention_max_months = 1200;
    p->intervention_delay = 0;
    world *w = world_alloc(p, 31);
    assert_non_null(w);
    while (w->orgs[0].iv.state != IV_ACTIVE)
        world_step(w);
    return w;
}

static void blame_removes_staff_and_frightens(void **state)
{
    (void)state;
    struct params p;
    patterns_stuck(&p);
    p.blame_removal = 0.25;
    world *w = world_alloc(&p, 5);
    struct org *o = &w->orgs[0];
    for (uint32_t i = 0; i < o->n; i++)
        o->tenure[i] = 50;
    strategy_blame(w, o);
    uint32_t replaced = 0;
    for (uint32_t i = 0; i < o->n; i++)
        replaced += o->tenure[i] == 0;
    assert_int_equal(replaced, (uint32_t)(0.25 * o->n + 0.5));
    assert_int_equal(o->blame_pending, 1);
    world_free(w);
}

static void restructure_loses_memory_and_capacity(void **state)
{
    (void)state;
    struct params p;
    patterns_stuck(&p);
    p.restructure_memory_loss = 1.0;
    p.restructure_reassigned = 1.0;
    snprintf(p.intervention_schedule, sizeof p.intervention_schedule, "restructure");   /* so the world keeps teams */
    world *w = world_alloc(&p, 6);
    assert_non_null(w->orgs[0].team);
    struct org *o = &w->orgs[0];
    for (uint32_t i = 0; i < o->n; i++)
        o->tenure[i] = 50;
    strategy_restructure(w, o);
    assert_int_equal(o->code.known, 0);
    for (uint32_t i = 0; i < o->n; i++)
        assert_int_equal(o->tenure[i], 0);
    world_free(w);
}

static void takeover_directs_practice_while_it_lasts(void **state)
{
    (void)state;
    struct params p;
    world *w = started(&p, "takeover", "fixed:12");
    struct org *o = &w->orgs[0];
    world_step(w);   /* the levers act from the month after they are set */
    struct belief view = intervention_view(w, o);
    assert_int_equal(o->lv.directive.known, view.known & o->iv.scope);
    /* Everyone's practice is the directive, so quality is the view's match to the standard. */
    double expect = (double)belief_match(view.known, view.value, w->standard) / p.culture_dimensions;
    observe_org(w, o);
    double cap_free = o->obs.quality;
    assert_true(cap_free <= expect + 1e-9);
    assert_true(cap_free >= expect * p.staff_novice_capacity - 1e-9);
    while (o->iv.state == IV_ACTIVE)
        world_step(w);
    assert_int_equal(o->lv.directive.known, 0);
    assert_int_equal(o->iv.exit_month - o->iv.start_month, 12);
    world_free(w);
}

static void interims_come_and_go(void **state)
{
    (void)state;
    struct params p;
    world *w = started(&p, "interim@0..6", NULL);
    struct org *o = &w->orgs[0];
    world_step(w);
    assert_int_equal(o->interims, (uint32_t)(p.interim_share * o->n + 0.5));
    for (int m = 0; m < p.interim_months + 8; m++)
        world_step(w);
    assert_int_equal(o->interims, 0);
    for (uint32_t i = 0; i < o->n; i++)
        assert_int_equal(o->contract[i], CONTRACT_PERMANENT);
    assert_true(o->iv.interim_months > 0.0);
    world_free(w);
}

static void peer_reviews_rebuild_ties_and_cost_days(void **state)
{
    (void)state;
    struct params p;
    world *w = started(&p, "peer_challenge", NULL);
    struct org *o = &w->orgs[0];
    double before = peers_insularity(w, o);
    for (int m = 0; m < 3 * p.peer_every; m++)
        world_step(w);
    assert_true(peers_insularity(w, o) < before - 0.2);
    assert_true(o->iv.peer_days >= 3.0 * p.peer_days);
    world_free(w);
}

static void costs_count_commissioners(void **state)
{
    (void)state;
    struct params p;
    world *w = started(&p, "takeover:10, retained_ownership:10", NULL);
    struct org *o = &w->orgs[0];
    for (int m = 0; m < 30; m++)
        world_step(w);
    assert_close(o->iv.commissioner_months, 10.0 * p.takeover_commissioners + 10.0 * p.ownership_commissioners, 1e-9);
    world_free(w);
}

/* Common random numbers: under different strategies, every organisation is
 * identical, month by month, until the first intervention starts. */
static void arms_identical_until_the_first_intervention(void **state)
{
    (void)state;
    struct params p;
    patterns_stuck(&p);
    snprintf(p.intervention_applies_to, sizeof p.intervention_applies_to, "all");
    p.sector_turbulence = 0.02;
    const char *arms[] = { "none", "takeover", "retained_ownership+peer_challenge", "blame, interim" };
    for (uint64_t seed = 1; seed <= 4; seed++) {
        world *w[4];
        for (int a = 0; a < 4; a++) {
            snprintf(p.intervention_schedule, sizeof p.intervention_schedule, "%s", arms[a]);
            if (a == 3)
                snprintf(p.intervention_schedule, sizeof p.intervention_schedule, "blame:6, interim");
            w[a] = world_alloc(&p, seed);
            assert_non_null(w[a]);
        }
        int started = 0, months = 0;
        while (!started && months < p.run_months) {
            for (int a = 1; a < 4; a++)
                for (size_t i = 0; i < w[0]->n_orgs; i++)
                    assert_memory_equal(&w[0]->orgs[i].obs, &w[a]->orgs[i].obs, offsetof(struct org_obs, measured));
            for (int a = 0; a < 4; a++)
                world_step(w[a]);
            months++;
            for (size_t i = 0; i < w[0]->n_orgs; i++)
                started |= w[0]->orgs[i].iv.state == IV_ACTIVE;
        }
        assert_true(started);   /* the check covered a real stretch before a start */
        int differ = 0;
        for (int m = 0; m < 24; m++)
            for (int a = 0; a < 4; a++)
                world_step(w[a]);
        for (size_t i = 0; i < w[0]->n_orgs; i++)
            differ |= w[0]->orgs[i].obs.quality != w[1]->orgs[i].obs.quality;
        assert_true(differ);
        for (int a = 0; a < 4; a++)
            world_free(w[a]);
    }
}

/* The capability forecasts draw on streams of their own: with an exit that
 * can never fire, turning them on leaves the main run exactly as it was. */
static void forecasts_leave_the_main_run_untouched(void **state)
{
    (void)state;
    struct params p;
    patterns_stuck(&p);
    snprintf(p.intervention_schedule, sizeof p.intervention_schedule, "retained_ownership");
    snprintf(p.intervention_exit, sizeof p.intervention_exit, "capability");
    p.intervention_forecast_share = 2.0;   /* unreachable: the test never passes */
    p.intervention_forecasts = 0;
    p.intervention_max_months = 1200;
    world *off = world_alloc(&p, 8);
    p.intervention_forecasts = 5;
    p.intervention_forecast_months = 12;
    world *on = world_alloc(&p, 8);
    for (int m = 0; m < 120; m++) {
        world_step(off);
        world_step(on);
        for (size_t i = 0; i < off->n_orgs; i++)
            assert_memory_equal(&off->orgs[i].obs, &on->orgs[i].obs, offsetof(struct org_obs, measured));
    }
    assert_int_equal(on->orgs[0].iv.state, IV_ACTIVE);
    assert_memory_equal(off->known, on->known, off->n_staff * sizeof *off->known);
    world_free(off);
    world_free(on);
}

/* A forecast sees the staff only through the commissioners' sample: with a
 * sample of 3, its posts hold at most 3 members' beliefs, each a member's of
 * the organisation; with 0, every member as they are. */
static void forecasts_see_a_sample_of_the_staff(void **state)
{
    (void)state;
    struct params p;
    patterns_stuck(&p);
    p.culture_dimensions = 64;
    world *w = world_alloc(&p, 9);
    struct org *o = &w->orgs[0];
    for (uint32_t i = 0; i < o->n; i++) {   /* every member different */
        o->known[i] = ~0ULL;
        o->value[i] = (uint64_t)i * 0x9e3779b97f4a7c15ULL;
    }
    p.intervention_forecast_sample = 0;
    w->p = p;
    struct world *all = forecast_world(w, o, 77);
    assert_non_null(all);
    assert_memory_equal(all->orgs[0].value, o->value, o->n * sizeof *o->value);
    world_free(all);
    w->p.intervention_forecast_sample = 3;
    struct world *f = forecast_world(w, o, 77);
    assert_non_null(f);
    uint64_t seen[3];
    int distinct = 0;
    for (uint32_t i = 0; i < o->n; i++) {
        uint64_t v = f->orgs[0].value[i];
        int found = 0;
        for (int k = 0; k < distinct; k++)
            found |= seen[k] == v;
        if (!found) {
            assert_true(distinct < 3);
            seen[distinct++] = v;
        }
        int member = 0;
        for (uint32_t j = 0; j < o->n; j++)
            member |= o->value[j] == v;
        assert_true(member);
        if (o->team)
            assert_int_equal(f->orgs[0].team[i], o->team[i]);
        else
            assert_null(f->orgs[0].team);
    }
    assert_true(distinct >= 2);
    world_free(f);
    world_free(w);
}

/* Interims practise the standard on interim.knowledge of the dimensions and
 * the opposite on interim.wrong; peer reviewers show their own view, wrong on
 * peer.wrong of what they show. */
static void interims_and_reviewers_have_their_own_errors(void **state)
{
    (void)state;
    struct params p;
    patterns_stuck(&p);
    p.interim_share = 1.0;
    p.interim_knowledge = 0.5;
    p.interim_wrong = 0.5;
    world *w = world_alloc(&p, 10);
    struct org *o = &w->orgs[0];
    strategy_interims(w, o);
    double right = 0, wrong = 0;
    for (uint32_t i = 0; i < o->n; i++) {
        assert_int_equal(o->known[i], w->dim_mask);   /* a view everywhere: right or wrong */
        right += belief_match(o->known[i], o->value[i], w->standard);
        wrong += __builtin_popcountll(o->known[i] & (o->value[i] ^ w->standard.value));
    }
    double share = wrong / (right + wrong);
    assert_true(share > 0.4 && share < 0.6);
    p.peer_reveal = 1.0;
    p.peer_wrong = 1.0;
    w->p = p;
    strategy_peer_review(w, o);
    assert_int_equal(o->bench.known, w->dim_mask);
    assert_int_equal(o->bench.value, ~w->standard.value & w->dim_mask);   /* everything shown, all of it wrong */
    world_free(w);
}

/* A regime's own timetable: the first re-inspection reinspect_first months
 * after the start, then every reinspect_every months while it lasts; the
 * improved exit leaves at the first of them that rates it above inadequate. */
static void a_regime_inspects_on_its_own_timetable(void **state)
{
    (void)state;
    struct params p;
    patterns_stuck(&p);
    snprintf(p.intervention_schedule, sizeof p.intervention_schedule, "retained_ownership+peer_challenge");
    snprintf(p.intervention_exit, sizeof p.intervention_exit, "improved");
    p.intervention_delay = 0;
    p.intervention_min_months = 0;
    p.intervention_reinspect_first = 11;
    p.intervention_reinspect_every = 6;
    p.intervention_max_months = 1200;
    int checked = 0;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        world *w = world_alloc(&p, seed);
        struct org *o = &w->orgs[0];
        for (int m = 0; m < p.run_months && o->iv.state != IV_EXITED; m++) {
            world_step(w);
            if (o->iv.state != IV_ACTIVE || w->month == o->iv.start_month || isnan(o->obs.measured))
                continue;
            int since = w->month - o->iv.start_month;
            if (since < 11 || (since - 11) % 6 != 0)
                fail_msg("seed %llu: an inspection %d months into the intervention", (unsigned long long)seed, since);
            assert_int_equal(o->obs.rating, RATING_INADEQUATE);   /* still under it: not yet improved */
            checked++;
        }
        if (o->iv.state == IV_EXITED) {
            int months = o->iv.exit_month - o->iv.start_month;
            assert_true(months >= 11 && (months - 11) % 6 == 0);
            assert_true(o->obs.rating != RATING_INADEQUATE);
            assert_false(isnan(o->obs.measured));   /* it left at an inspection */
        }
        world_free(w);
    }
    assert_true(checked > 0);
}

static void capability_test_can_pass(void **state)
{
    (void)state;
    struct params p;
    patterns_stuck(&p);
    snprintf(p.intervention_schedule, sizeof p.intervention_schedule, "retained_ownership");
    snprintf(p.intervention_exit, sizeof p.intervention_exit, "capability");
    struct arm_run runs[10];
    patterns_arm(&p, "retained_ownership", "capability", 10, runs);
    int exited_early = 0;
    for (int r = 0; r < 10; r++)
        exited_early += runs[r].exit >= 0 && runs[r].exit - runs[r].start < p.intervention_max_months;
    assert_true(exited_early >= 5);
}

/* A forecast measures only where the regulator inspects and at its
 * horizon: with every month measured instead, its members, inspections and
 * end are the same. */
static void forecasts_measure_only_what_they_read(void **state)
{
    (void)state;
    struct params p;
    world *w = started(&p, "retained_ownership", "capability");
    for (int m = 0; m < 24; m++)
        world_step(w);
    const struct org *o = &w->orgs[0];
    int inspections = 0;
    for (uint64_t seed = 1; seed <= 6; seed++) {
        struct world *lean = forecast_world(w, o, seed), *full = forecast_world(w, o, seed);
        assert_true(lean && full);
        assert_int_equal(lean->observe_last, w->month + p.intervention_forecast_months);
        full->observe_last = 0;
        for (int m = 0; m < p.intervention_forecast_months; m++) {
            world_step(lean);
            world_step(full);
            const struct org *a = &lean->orgs[0], *b = &full->orgs[0];
            assert_memory_equal(a->known, b->known, a->n * sizeof *a->known);
            assert_memory_equal(a->voice, b->voice, a->n * sizeof *a->voice);
            assert_int_equal(a->obs.rating, b->obs.rating);
            assert_int_equal(isnan(a->obs.measured), isnan(b->obs.measured));
            if (!isnan(a->obs.measured)) {
                assert_memory_equal(&a->obs, &b->obs, sizeof a->obs);
                inspections++;
            }
        }
        assert_memory_equal(&lean->orgs[0].obs.quality, &full->orgs[0].obs.quality, sizeof(double));
        world_free(lean);
        world_free(full);
    }
    assert_true(inspections > 0);
    world_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(schedules_parse),
        cmocka_unit_test(bad_schedules_say_why),
        cmocka_unit_test(exit_tests_parse),
        cmocka_unit_test(blame_removes_staff_and_frightens),
        cmocka_unit_test(restructure_loses_memory_and_capacity),
        cmocka_unit_test(takeover_directs_practice_while_it_lasts),
        cmocka_unit_test(interims_come_and_go),
        cmocka_unit_test(peer_reviews_rebuild_ties_and_cost_days),
        cmocka_unit_test(costs_count_commissioners),
        cmocka_unit_test(arms_identical_until_the_first_intervention),
        cmocka_unit_test(forecasts_leave_the_main_run_untouched),
        cmocka_unit_test(forecasts_see_a_sample_of_the_staff),
        cmocka_unit_test(a_regime_inspects_on_its_own_timetable),
        cmocka_unit_test(interims_and_reviewers_have_their_own_errors),
        cmocka_unit_test(capability_test_can_pass),
        cmocka_unit_test(forecasts_measure_only_what_they_read),
    };
    return cmocka_run_group_tests_name("interventions", tests, NULL, NULL);
}
