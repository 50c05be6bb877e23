/* intervention: the course of an intervention in one organisation.
 *
 * An inadequate rating triggers it (for every organisation, or the focal one
 * only); it starts intervention.delay months later, applies the schedule's
 * strategies phase by phase, and ends when its exit test passes or at
 * intervention.max_months. Afterwards it watches for relapse. The control arm
 * ("none") follows the same course with no strategies and no exit, so its
 * outcomes are measured from the same start. */
#include <math.h>
#include <string.h>

#include "world_impl.h"

void levers_reset(struct levers *lv)
{
    memset(lv, 0, sizeof *lv);
    lv->learning = 1.0;
}

/* The commissioners' view of good practice: the current standard, wrong on
 * the dimensions they have wrong. */
struct belief intervention_view(const struct world *w, const struct org *o)
{
    struct belief v = w->standard;
    v.value = (v.value ^ o->iv.view_errors) & v.known;
    return v;
}

static int eligible(const struct world *w, const struct org *o)
{
    return strcmp(w->p.intervention_applies_to, "all") == 0 || (o->index == 0 && w->p.focal_name[0]);
}

static int rated_good(const struct org *o)
{
    return o->obs.rating == RATING_GOOD || o->obs.rating == RATING_OUTSTANDING;
}

static void start(struct world *w, struct org *o)
{
    struct intervention *iv = &o->iv;
    gsl_rng r_ = rng_over(org_rng(o, RNG_INTERVENTION)), *r = &r_;
    iv->state = IV_ACTIVE;
    iv->view_errors = 0;
    for (int d = 0; d < w->p.culture_dimensions; d++)
        if (gsl_rng_uniform(r) >= w->p.intervention_knowledge)
            iv->view_errors |= 1ULL << d;
    iv->scope = 0;
    for (int d = 0; d < w->p.culture_dimensions; d++)
        if (gsl_rng_uniform(r) < w->p.takeover_scope)
            iv->scope |= 1ULL << d;
    iv->next_check = w->month + w->p.intervention_min_months;
    /* A regime with its own timetable of inspections: the first re-inspection
     * a set time after the start. */
    if (w->p.intervention_reinspect_first > 0)
        o->next_inspection = w->month + w->p.intervention_reinspect_first;
}

static int exit_passes(const struct world *w, struct org *o, int months)
{
    const struct params *p = &w->p;
    struct intervention *iv = &o->iv;
    if (months >= p->intervention_max_months)
        return 1;
    switch (w->exit.kind) {
    case EXIT_FIXED:
        return months >= w->exit.months;
    case EXIT_RATING:
        return months >= p->intervention_min_months && rated_good(o);
    case EXIT_IMPROVED:
        return months >= p->intervention_min_months && o->obs.rating != RATING_INADEQUATE && o->obs.rating != 0;
    case EXIT_CAPABILITY:
        if (w->month < iv->next_check)
            return 0;
        iv->next_check = w->month + p->intervention_check_every;
        return p->intervention_forecasts > 0 && forecast_capable(w, o);
    }
    return 0;
}

static void leave(struct world *w, struct org *o)
{
    o->iv.state = IV_EXITED;
    o->iv.exit_month = w->month;
    o->iv.active = 0;
    levers_reset(&o->lv);
}

/* This month's actions of the strategies in the current phase: the discrete
 * ones when a strategy begins (and again every N months where configured),
 * the continuous ones through the levers. */
static void act(struct world *w, struct org *o, unsigned active)
{
    const struct params *p = &w->p;
    struct intervention *iv = &o->iv;
    unsigned begun = active & ~iv->active;
    iv->active = active;
    if (active & (1u << STRATEGY_BLAME)) {
        if ((begun & (1u << STRATEGY_BLAME)) || (p->blame_every > 0 && w->month >= iv->next_blame)) {
            strategy_blame(w, o);
            iv->next_blame = w->month + p->blame_every;
        }
    }
    if (active & (1u << STRATEGY_RESTRUCTURE)) {
        if ((begun & (1u << STRATEGY_RESTRUCTURE)) || (p->restructure_every > 0 && w->month >= iv->next_restructure)) {
            strategy_restructure(w, o);
            iv->next_restructure = w->month + p->restructure_every;
        }
    }
    if (active & (1u << STRATEGY_PEER_CHALLENGE)) {
        if ((begun & (1u << STRATEGY_PEER_CHALLENGE)) || w->month >= iv->next_review) {
            strategy_peer_review(w, o);
            iv->next_review = w->month + p->peer_every;
        }
    }
    if (active & (1u << STRATEGY_INTERIM))
        strategy_interims(w, o);
    strategy_levers(w, o, active);
}

static void step_org(struct world *w, struct org *o)
{
    struct intervention *iv = &o->iv;
    int rating = o->obs.rating;
    int inspected = !isnan(o->obs.measured);
    if (iv->state == IV_NONE && rating == RATING_INADEQUATE && eligible(w, o)) {
        iv->state = IV_PENDING;
        iv->trigger_month = w->month;
        iv->start_month = w->month + w->p.intervention_delay;
    }
    if (iv->state == IV_PENDING && w->month >= iv->start_month)
        start(w, o);
    if (iv->state >= IV_ACTIVE && iv->first_good_month < 0 && rated_good(o))
        iv->first_good_month = w->month;
    /* A relapse is an inspection after exit that rates it inadequate, within
     * intervention.after_months: the same window for every arm. */
    if (iv->state == IV_EXITED && iv->relapse_month < 0 && rating == RATING_INADEQUATE && inspected
        && w->month <= iv->exit_month + w->p.intervention_after_months)
        iv->relapse_month = w->month;
    if (iv->state == IV_ACTIVE && w->schedule.n > 0) {
        int months = w->month - iv->start_month;
        if (exit_passes(w, o, months))
            leave(w, o);
        else
            act(w, o, schedule_active(&w->schedule, months));
    }
    /* While it lasts, the regime's own interval between re-inspections; after
     * the exit the regulator's cycle for the rating given resumes. */
    if (iv->state == IV_ACTIVE && inspected && w->month > iv->start_month && w->p.intervention_reinspect_every > 0)
        o->next_inspection = w->month + w->p.intervention_reinspect_every;
    /* Costs accrue while commissioners or interims are in post. */
    if (iv->active & (1u << STRATEGY_TAKEOVER))
        iv->commissioner_months += w->p.takeover_commissioners;
    if (iv->active & (1u << STRATEGY_OWNERSHIP))
        iv->commissioner_months += w->p.ownership_commissioners;
    iv->interim_months += o->interims + (iv->interim_leader_until >= w->month ? 1 : 0);
}

/* Whether this month's step_org can change anything of o, from step_org's
 * own tests: a trigger, a start, a first good rating, a relapse, the
 * schedule's exit test and strategies, the regime's re-inspection or a cost
 * (commissioners or interims in post; a cost of 0 adds +0.0, which changes
 * no bit). So an organisation the control arm ("none", no strategies and no
 * exit) has rated good once, or one whose relapse window has passed, is
 * skipped. Worked out with o's last phase before the interventions
 * (regulator_step_org), on o's thread, so the pass in order touches only the
 * organisations that have something to do. */
int intervention_pending(const struct world *w, const struct org *o)
{
    const struct intervention *iv = &o->iv;
    /* Interims' costs; commissioners' accrue only while strategies act, which
     * is only while active under a schedule (below). */
    if (o->interims > 0 || iv->interim_leader_until >= w->month)
        return 1;
    int inspected = !isnan(o->obs.measured);
    switch (iv->state) {
    case IV_NONE:
        return o->obs.rating == RATING_INADEQUATE && eligible(w, o);
    case IV_ACTIVE:
        return w->schedule.n > 0 || (iv->first_good_month < 0 && rated_good(o))
               || (inspected && w->month > iv->start_month && w->p.intervention_reinspect_every > 0);
    case IV_EXITED:
        return (iv->first_good_month < 0 && rated_good(o))
               || (iv->relapse_month < 0 && o->obs.rating == RATING_INADEQUATE && inspected
                   && w->month <= iv->exit_month + w->p.intervention_after_months);
    default:   /* IV_PENDING: it starts */
        return 1;
    }
}

void intervention_step(struct world *w)
{
    if (!w->intervene)
        return;
    for (size_t i = 0; i < w->n_orgs; i++)
        if (!w->pending || w->pending[i])
            step_org(w, &w->orgs[i]);
}
