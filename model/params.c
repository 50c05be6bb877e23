#include "params.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "schedule.h"

#define R(path, field, def, lo, hi, unit, doc) \
    { path, PARAM_REAL, offsetof(struct params, field), def, lo, hi, NULL, unit, doc, NULL }
#define I(path, field, def, lo, hi, unit, doc) \
    { path, PARAM_INT, offsetof(struct params, field), def, lo, hi, NULL, unit, doc, NULL }
#define S(path, field, def, doc) \
    { path, PARAM_STRING, offsetof(struct params, field), 0, 0, 0, def, "text", doc, NULL }
#define C(path, field, def, names, doc)                                                                \
    { path, PARAM_CHOICE, offsetof(struct params, field), def, 0,                                      \
      (double)(sizeof names / sizeof names[0] - 2), NULL, "choice", doc, names }

static const char *const superior_names[] = { "correct", "score", "action", NULL };
static const char *const move_names[] = { "adopt", "step", NULL };

const struct param_def params_table[] = {
    S("title", title, "A healthy sector", "title of the scenario, written with the results"),

    I("run.months", run_months, 120, 1, 100000, "months", "length of each replication"),
    { "run.seed", PARAM_INT64, offsetof(struct params, run_seed), 1, 0, 4611686018427387904.0,
      NULL, "integer", "master seed; every stream's seed is derived from it and the replication", NULL },
    I("run.reps", run_reps, 10, 1, 1000000, "replications", "number of replications"),

    I("sector.orgs", sector_orgs, 30, 1, 1000000, "organisations", "organisations in the sector"),
    R("sector.turbulence", sector_turbulence, 0.012, 0, 1, "per dimension per month",
      "chance that the sector's standard of good practice flips on a dimension (March's p4)"),

    I("culture.dimensions", culture_dimensions, 30, 1, 64, "dimensions",
      "dimensions of practice and belief (March's m)"),
    R("culture.socialisation", culture_socialisation, 0.05, 0, 1, "per dimension per month",
      "chance a member's belief moves toward the code on a dimension where they differ (March's p1)"),
    R("culture.code_learning", culture_code_learning, 0.5, 0, 1, "per voice per month",
      "chance per net speaking member that the code adopts the better members' view (March's p2)"),
    C("culture.superior", culture_superior, SUPERIOR_SCORE, superior_names,
      "who is better than the code: most dimensions right, right minus wrong, or right minus wrong of what "
      "members do (with no view, they act at random)"),
    C("culture.socialise", culture_socialise, MOVE_ADOPT, move_names,
      "how a belief moves toward a code that differs: at once, or a step (the opposite view to none, none "
      "to the code's)"),
    C("culture.code_update", culture_code_update, MOVE_ADOPT, move_names,
      "how the code moves toward the better members' majority: at once, or a step (as socialise)"),
    R("culture.slow_share", culture_slow_share, 0.0, 0, 1, "share of staff",
      "share of members who socialise at culture.slow_socialisation instead of culture.socialisation"),
    R("culture.slow_socialisation", culture_slow_socialisation, 0.01, 0, 1, "per dimension per month",
      "socialisation rate (p1) of the slow members"),

    I("org.staff", org_staff, 60, 1, 1000000, "staff", "staff in each organisation"),
    I("org.team_size", org_team_size, 8, 1, 65535, "staff", "staff per team (the internal network)"),
    R("org.feedback", org_feedback, 0.005, 0, 1, "per dimension per month",
      "chance the organisation's own outcome data show it the current standard on a dimension"),
    R("org.defensiveness", org_defensiveness, 0.8, 0, 1, "share",
      "how far regulatory pressure cuts the organisation's investment in peer ties"),

    R("init.code_correct", init_code_correct, 0.85, 0, 1, "share of dimensions",
      "share of the code that matches the standard at the start"),
    R("init.code_wrong", init_code_wrong, 0.05, 0, 1, "share of dimensions",
      "share of the code that contradicts the standard at the start (the rest is unset)"),
    R("init.staff_socialised", init_staff_socialised, 0.9, 0, 1, "share of dimensions",
      "share of a starting member's beliefs copied from the code; the rest are random"),

    R("staff.turnover", staff_turnover, 0.01, 0, 1, "per month",
      "chance a member leaves in a month, without pressure (March's p3)"),
    R("staff.pressure_turnover", staff_pressure_turnover, 1.0, 0, 20, "factor",
      "extra leaving under full regulatory pressure: rate x (1 + this x pressure)"),
    R("staff.hire_from_sector", staff_hire_from_sector, 0.5, 0, 1, "share",
      "share of hires who come from other organisations (the rest are new entrants)"),
    R("staff.entrant_knowledge", staff_entrant_knowledge, 0.9, 0, 1, "share of dimensions",
      "share of a new entrant's beliefs trained to the current standard; the rest are random"),
    I("staff.induction", staff_induction, 6, 0, 600, "months",
      "months before a new hire works at full capacity"),
    R("staff.novice_capacity", staff_novice_capacity, 0.5, 0, 1, "share",
      "capacity of a member still in induction"),

    R("leader.openness", leader_openness, 0.6, 0, 1, "share",
      "mean openness to dissent of a newly drawn leader"),
    R("leader.openness_spread", leader_openness_spread, 0.3, 0, 1, "share",
      "half-width of the uniform spread of leaders' openness"),
    R("leader.outward", leader_outward, 0.5, 0, 1, "share",
      "mean outward orientation (effort put into peer ties) of a newly drawn leader"),
    R("leader.outward_spread", leader_outward_spread, 0.5, 0, 1, "share",
      "half-width of the uniform spread of leaders' outward orientation"),
    R("leader.turnover", leader_turnover, 0.015, 0, 1, "per month", "chance the leader changes in a month"),
    R("leader.memory_loss", leader_memory_loss, 0.1, 0, 1, "share of dimensions",
      "share of the code forgotten when the leader changes"),
    R("leader.blame_propensity", leader_blame_propensity, 0.75, 0, 1, "probability",
      "chance that a fall to an inadequate rating is met with blame (a blame event)"),

    R("voice.initial", voice_initial, 0.6, 0, 1, "probability",
      "initial psychological safety and members' voice (chance of speaking up in a month)"),
    R("voice.responsiveness", voice_responsiveness, 0.05, 0, 1, "per month",
      "rate at which psychological safety moves toward the leader's openness"),
    R("voice.acted_gain", voice_acted_gain, 2.0, 0, 100, "per share of code changed",
      "rise in psychological safety when concerns change the code (concerns acted on)"),
    R("voice.blame_shock", voice_blame_shock, 0.3, 0, 1, "share",
      "share of safety and of every member's voice lost in a blame event"),
    R("voice.adapt", voice_adapt, 0.1, 0, 1, "per month", "rate at which a member's voice moves toward the climate"),
    R("voice.team_weight", voice_team_weight, 0.5, 0, 1, "share",
      "weight of the team's voice (against organisation-wide safety) in a member's climate"),

    I("peers.degree", peers_degree, 4, 0, 1000, "ties", "peer ties per organisation (even; small-world ring)"),
    R("peers.rewire", peers_rewire, 0.1, 0, 1, "probability", "chance a ring tie is rewired to a random peer"),
    R("peers.strength_spread", peers_strength_spread, 0.1, 0, 1, "strength",
      "half-width of the uniform spread of initial tie strengths around their steady state"),
    R("peers.decay", peers_decay, 0.04, 0, 1, "per month", "share of a tie's strength lost each month"),
    R("peers.renewal", peers_renewal, 0.1, 0, 1, "per month",
      "rate at which outward leadership rebuilds a tie toward full strength"),
    R("peers.learning", peers_learning, 0.08, 0, 10, "per unit strength per month",
      "rate at which ties show the sector's current standard, per dimension"),

    I("regulator.cycle", regulator_cycle, 36, 1, 1200, "months", "months between inspections of a good organisation"),
    I("regulator.cycle_ri", regulator_cycle_ri, 18, 1, 1200, "months",
      "months between inspections after a requires-improvement rating"),
    I("regulator.cycle_inadequate", regulator_cycle_inadequate, 6, 1, 1200, "months",
      "months between inspections after an inadequate rating"),
    R("regulator.noise", regulator_noise, 0.03, 0, 1, "quality", "standard deviation of an inspection's measurement error"),
    R("regulator.concealment", regulator_concealment, 0.5, 0, 1, "share",
      "share of the insiders' over-estimate that silence hides from an inspector"),
    R("regulator.outstanding", regulator_outstanding, 0.9, 0, 1, "quality", "lowest measured quality rated outstanding"),
    R("regulator.good", regulator_good, 0.7, 0, 1, "quality", "lowest measured quality rated good"),
    R("regulator.inadequate", regulator_inadequate, 0.6, 0, 1, "quality",
      "measured quality below this is rated inadequate"),
    R("regulator.pressure_ri", regulator_pressure_ri, 0.4, 0, 1, "pressure",
      "pressure after a requires-improvement rating (inadequate gives 1)"),
    R("regulator.pressure_decay", regulator_pressure_decay, 0.05, 0, 1, "per month",
      "share of pressure that fades each month"),

    S("intervention.schedule", intervention_schedule, "none",
      "the response to an inadequate rating: strategies joined by +, phases by commas (see README)"),
    S("intervention.exit", intervention_exit, "fixed:36",
      "when the intervention ends: fixed:MONTHS, rating (first good rating), improved (first rating above "
      "inadequate) or capability"),
    S("intervention.applies_to", intervention_applies_to, "all",
      "which organisations an inadequate rating puts under intervention: all, or focal"),
    I("intervention.delay", intervention_delay, 3, 0, 120, "months",
      "months from the inadequate rating to the start of the intervention"),
    I("intervention.min_months", intervention_min_months, 12, 0, 1200, "months",
      "earliest exit under the rating and capability tests"),
    I("intervention.reinspect_first", intervention_reinspect_first, 0, 0, 1200, "months",
      "months from the start of an intervention to its first re-inspection; 0: the regulator's usual cycle"),
    I("intervention.reinspect_every", intervention_reinspect_every, 0, 0, 1200, "months",
      "months between re-inspections while an intervention lasts; 0: the regulator's usual cycle"),
    I("intervention.max_months", intervention_max_months, 72, 1, 1200, "months",
      "longest intervention: it ends then whatever the exit test says"),
    I("intervention.check_every", intervention_check_every, 6, 1, 120, "months",
      "months between the commissioners' capability checks"),
    I("intervention.forecasts", intervention_forecasts, 20, 0, 1000, "forecasts",
      "forecasts of the organisation without support at each capability check"),
    I("intervention.forecast_months", intervention_forecast_months, 36, 1, 600, "months",
      "how far ahead each capability forecast looks"),
    R("intervention.forecast_share", intervention_forecast_share, 0.55, 0, 1, "share",
      "share of forecasts that must end good, never rated inadequate on the way, for the capability test to pass"),
    I("intervention.forecast_sample", intervention_forecast_sample, 30, 0, 1000000, "staff",
      "members the commissioners observe to forecast from: each forecast post is one of them; 0: every member"),
    R("intervention.knowledge", intervention_knowledge, 0.9, 0, 1, "share of dimensions",
      "share of the current standard the commissioners know correctly (the rest they have wrong)"),
    I("intervention.after_months", intervention_after_months, 36, 1, 600, "months",
      "months after exit in which a relapse counts and sustained quality is measured (and at a run's end)"),

    R("blame.removal", blame_removal, 0.1, 0, 1, "share of staff",
      "share of staff removed as the lowest performers (judged by the organisation's own view)"),
    I("blame.leader", blame_leader, 0, 0, 1, "0 or 1",
      "1: the leader is removed too, and replaced by one brought in to restore grip"),
    R("blame.successor_openness", blame_successor_openness, 0.3, 0, 1, "share",
      "openness to dissent of the leader brought in to restore grip after blame"),
    R("blame.successor_outward", blame_successor_outward, 0.3, 0, 1, "share",
      "outward orientation of the leader brought in to restore grip after blame"),
    I("blame.every", blame_every, 0, 0, 600, "months", "months between repeated blame while it lasts; 0: once"),

    R("restructure.memory_loss", restructure_memory_loss, 0.3, 0, 1, "share of dimensions",
      "share of the code (corporate memory) lost in a restructuring"),
    R("restructure.reassigned", restructure_reassigned, 0.5, 0, 1, "share of staff",
      "share of staff moved to new roles, who start their induction again (the capacity dip)"),
    I("restructure.every", restructure_every, 0, 0, 600, "months",
      "months between repeated restructurings while it lasts; 0: once"),

    I("takeover.commissioners", takeover_commissioners, 4, 1, 100, "commissioners",
      "commissioners taking executive control (each month of each is a commissioner-month)"),
    R("takeover.internalisation", takeover_internalisation, 0.02, 0, 1, "per dimension per month",
      "chance a member comes to believe a practice they are directed to follow"),
    R("takeover.suppression", takeover_suppression, 0.9, 0, 1, "share",
      "share of the organisation's own code learning suppressed while commissioners direct practice"),
    R("takeover.scope", takeover_scope, 1.0, 0, 1, "share of dimensions",
      "share of practice the commissioners direct (below 1: specific functions only)"),

    I("ownership.commissioners", ownership_commissioners, 2, 1, 100, "commissioners",
      "commissioners working through the organisation's leadership"),
    R("ownership.coaching", ownership_coaching, 0.05, 0, 1, "per month",
      "rate at which coaching moves the leader's openness and outward orientation toward 1"),
    R("ownership.ties", ownership_ties, 0.1, 0, 1, "per month",
      "extra effort the commissioners put into rebuilding peer ties"),
    R("ownership.voice", ownership_voice, 0.03, 0, 1, "per month",
      "rate at which the commissioners raise psychological safety toward 1"),
    R("ownership.benchmark", ownership_benchmark, 0.05, 0, 1, "per dimension per month",
      "chance the commissioners show the organisation their view of good practice on a dimension"),

    I("peer.every", peer_every, 6, 1, 120, "months", "months between peer reviews"),
    I("peer.days", peer_days, 20, 0, 1000, "days", "peer-review days each review costs"),
    R("peer.reveal", peer_reveal, 0.3, 0, 1, "share of dimensions",
      "share of the current standard a review shows the organisation"),
    R("peer.wrong", peer_wrong, 0.05, 0, 1, "share of dimensions",
      "share of what a review shows that the reviewers themselves have wrong"),
    R("peer.ties", peer_ties, 0.3, 0, 1, "share",
      "share of the way to full strength each review rebuilds the organisation's ties"),

    R("interim.share", interim_share, 0.3, 0, 1, "share of staff", "share of posts filled by interims"),
    I("interim.months", interim_months, 12, 1, 600, "months", "length of an interim's contract"),
    R("interim.knowledge", interim_knowledge, 0.95, 0, 1, "share of dimensions",
      "share of the current standard an interim practises"),
    R("interim.wrong", interim_wrong, 0.02, 0, 1, "share of dimensions",
      "share of the current standard an interim practises wrong (with interim.knowledge at most 1)"),
    I("interim.leader", interim_leader, 0, 0, 1, "0 or 1",
      "1: an open, outward interim leader is appointed for a contract"),
    R("interim.leader_traits", interim_leader_traits, 0.9, 0, 1, "share",
      "openness to dissent and outward orientation of an interim leader"),

    S("compare.strategies", compare_strategies, "none; takeover; retained_ownership",
      "the arms 'turnaround compare' runs, as schedules separated by ;"),
    R("plot.timeout", plot_timeout, 60, 1, 86400, "seconds",
      "longest a chart may take to draw: gnuplot is stopped then, and the results are kept with a warning"),

    S("focal.name", focal_name, "",
      "name of a focal organisation (organisation 0) with the traits below; empty for none"),
    I("focal.staff", focal_staff, 60, 1, 1000000, "staff", "staff in the focal organisation"),
    R("focal.openness", focal_openness, 0.6, 0, 1, "share", "the focal organisation's first leader's openness"),
    R("focal.outward", focal_outward, 0.6, 0, 1, "share", "the focal organisation's first leader's outward orientation"),
    R("focal.tie_strength", focal_tie_strength, 0.7, 0, 1, "strength", "initial strength of the focal organisation's ties"),
    R("focal.code_correct", focal_code_correct, 0.85, 0, 1, "share of dimensions",
      "share of the focal code that matches the standard at the start"),
    R("focal.code_wrong", focal_code_wrong, 0.05, 0, 1, "share of dimensions",
      "share of the focal code that contradicts the standard at the start"),
    R("focal.depth_spread", focal_depth_spread, 0, 0, 0.5, "share of dimensions",
      "half-width of the uniform spread, between replications, of the focal code's depth of failure: "
      "a draw moves that share from correct to wrong (or back)"),
};

const size_t params_count = sizeof params_table / sizeof params_table[0];

static void *field(struct params *p, const struct param_def *d)
{
    return (char *)p + d->offset;
}

static const void *cfield(const struct params *p, const struct param_def *d)
{
    return (const char *)p + d->offset;
}

void params_default(struct params *p)
{
    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < params_count; i++) {
        const struct param_def *d = &params_table[i];
        if (d->type == PARAM_STRING)
            params_set_string(p, d, d->sdef);
        else
            params_set_number(p, d, d->def);
    }
}

const struct param_def *params_find(const char *path)
{
    for (size_t i = 0; i < params_count; i++)
        if (strcmp(params_table[i].path, path) == 0)
            return &params_table[i];
    return NULL;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t row[128];
    if (lb >= sizeof row / sizeof row[0])
        return (size_t)-1;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *params_nearest(const char *path)
{
    /* A name without its group ("orgs" for "sector.orgs") is a likely slip. */
    if (!strchr(path, '.'))
        for (size_t i = 0; i < params_count; i++) {
            const char *dot = strchr(params_table[i].path, '.');
            if (dot && strcmp(dot + 1, path) == 0)
                return params_table[i].path;
        }
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < params_count; i++) {
        size_t dist = edit_distance(path, params_table[i].path);
        if (dist < best_d) {
            best_d = dist;
            best = params_table[i].path;
        }
    }
    /* A suggestion further than a third of the name away helps nobody. */
    if (best && best_d * 3 <= strlen(path) + 2)
        return best;
    return NULL;
}

double params_get_number(const struct params *p, const struct param_def *d)
{
    switch (d->type) {
    case PARAM_INT:
    case PARAM_CHOICE:
        return *(const int *)cfield(p, d);
    case PARAM_INT64:
        return (double)*(const int64_t *)cfield(p, d);
    case PARAM_REAL:
        return *(const double *)cfield(p, d);
    case PARAM_STRING:
        break;
    }
    return 0.0;
}

void params_set_number(struct params *p, const struct param_def *d, double v)
{
    switch (d->type) {
    case PARAM_INT:
    case PARAM_CHOICE:
        *(int *)field(p, d) = (int)v;
        break;
    case PARAM_INT64:
        *(int64_t *)field(p, d) = (int64_t)v;
        break;
    case PARAM_REAL:
        *(double *)field(p, d) = v;
        break;
    case PARAM_STRING:
        break;
    }
}

int64_t *params_int64(struct params *p, const struct param_def *d)
{
    return (int64_t *)field(p, d);
}

int64_t params_get_int64(const struct params *p, const struct param_def *d)
{
    return *(const int64_t *)cfield(p, d);
}

const char *params_get_string(const struct params *p, const struct param_def *d)
{
    return (const char *)cfield(p, d);
}

void params_set_string(struct params *p, const struct param_def *d, const char *s)
{
    char *dst = field(p, d);
    snprintf(dst, PARAMS_STRING_MAX, "%s", s);
}

const char *params_choice_name(const struct param_def *d, int i)
{
    if (d->type != PARAM_CHOICE || i < 0 || i > (int)d->max)
        return NULL;
    return d->choices[i];
}

int params_choice_index(const struct param_def *d, const char *name)
{
    if (d->type != PARAM_CHOICE)
        return -1;
    for (int i = 0; d->choices[i]; i++)
        if (strcmp(d->choices[i], name) == 0)
            return i;
    return -1;
}

const char *params_nearest_choice(const struct param_def *d, const char *name)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (int i = 0; d->type == PARAM_CHOICE && d->choices[i]; i++) {
        size_t dist = edit_distance(name, d->choices[i]);
        if (dist < best_d) {
            best_d = dist;
            best = d->choices[i];
        }
    }
    return best && best_d * 3 <= strlen(name) + 2 ? best : NULL;
}

const char *params_choice_list(const struct param_def *d, const char *sep, const char *last, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; d->choices[i] && used < len; i++) {
        const char *join = i == 0 ? "" : (d->choices[i + 1] ? sep : last);
        int n = snprintf(buf + used, len - used, "%s%s", join, d->choices[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return buf;
}

int params_in_range(const struct param_def *d, double v)
{
    if (!isfinite(v) || v < d->min || v > d->max)
        return 0;
    if (d->type != PARAM_REAL && v != floor(v))
        return 0;
    return 1;
}

/* The intervention's texts: schedule, exit test, target and compare's arms. */
static int check_strategies(const struct params *p, char *msg, size_t len, const char **culprit)
{
    char why[400];
    struct schedule s;
    struct exit_test e;
    if (schedule_parse(p->intervention_schedule, &s, why, sizeof why)) {
        snprintf(msg, len, "intervention.schedule: %s", why);
        *culprit = "intervention.schedule";
        return -1;
    }
    if (exit_parse(p->intervention_exit, &e, why, sizeof why)) {
        snprintf(msg, len, "intervention.exit: %s", why);
        *culprit = "intervention.exit";
        return -1;
    }
    if (strcmp(p->intervention_applies_to, "all") != 0 && strcmp(p->intervention_applies_to, "focal") != 0) {
        snprintf(msg, len, "intervention.applies_to: expected all or focal, found '%s'", p->intervention_applies_to);
        *culprit = "intervention.applies_to";
        return -1;
    }
    if (strcmp(p->intervention_applies_to, "focal") == 0 && !p->focal_name[0]) {
        snprintf(msg, len, "intervention.applies_to is focal, but there is no focal organisation (focal.name is empty)");
        *culprit = "intervention.applies_to";
        return -1;
    }
    char arms[PARAMS_STRING_MAX];
    snprintf(arms, sizeof arms, "%s", p->compare_strategies);
    int k = 0;
    for (char *save = NULL, *arm = strtok_r(arms, ";", &save); arm; arm = strtok_r(NULL, ";", &save), k++)
        if (schedule_parse(arm, &s, why, sizeof why)) {
            snprintf(msg, len, "compare.strategies, arm %d ('%s'): %s", k + 1, arm, why);
            *culprit = "compare.strategies";
            return -1;
        }
    if (k == 0) {
        snprintf(msg, len, "compare.strategies: expected at least one arm, found none");
        *culprit = "compare.strategies";
        return -1;
    }
    return 0;
}

int params_check(const struct params *p, char *msg, size_t len, const char **culprit)
{
    if (p->init_code_correct + p->init_code_wrong > 1.0) {
        snprintf(msg, len, "init.code_correct + init.code_wrong must be at most 1, found %g + %g",
                 p->init_code_correct, p->init_code_wrong);
        *culprit = "init.code_wrong";
        return -1;
    }
    if (p->focal_code_correct + p->focal_code_wrong > 1.0) {
        snprintf(msg, len, "focal.code_correct + focal.code_wrong must be at most 1, found %g + %g",
                 p->focal_code_correct, p->focal_code_wrong);
        *culprit = "focal.code_wrong";
        return -1;
    }
    if (p->interim_knowledge + p->interim_wrong > 1.0) {
        snprintf(msg, len, "interim.knowledge + interim.wrong must be at most 1, found %g + %g", p->interim_knowledge,
                 p->interim_wrong);
        *culprit = "interim.wrong";
        return -1;
    }
    if (!(p->regulator_inadequate <= p->regulator_good && p->regulator_good <= p->regulator_outstanding)) {
        snprintf(msg, len,
                 "rating thresholds must rise: regulator.inadequate <= regulator.good <= "
                 "regulator.outstanding, found %g, %g, %g",
                 p->regulator_inadequate, p->regulator_good, p->regulator_outstanding);
        *culprit = "regulator.good";
        return -1;
    }
    if ((p->org_staff - 1) / p->org_team_size >= 65535 || (p->focal_staff - 1) / p->org_team_size >= 65535) {
        snprintf(msg, len, "an organisation may have at most 65535 teams: org.staff / org.team_size and "
                 "focal.staff / org.team_size, found %d / %d and %d / %d", p->org_staff, p->org_team_size,
                 p->focal_staff, p->org_team_size);
        *culprit = "org.team_size";
        return -1;
    }
    if (check_strategies(p, msg, len, culprit))
        return -1;
    if (p->peers_degree % 2 != 0) {
        snprintf(msg, len, "peers.degree must be even (ties go to both sides on the ring), found %d",
                 p->peers_degree);
        *culprit = "peers.degree";
        return -1;
    }
    if (p->peers_degree > p->sector_orgs - 1) {
        snprintf(msg, len, "peers.degree must be less than sector.orgs, found %d ties among %d organisations",
                 p->peers_degree, p->sector_orgs);
        *culprit = "peers.degree";
        return -1;
    }
    return 0;
}
