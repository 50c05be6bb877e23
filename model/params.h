/* params: the one declarative table of model and run parameters.
 *
 * Every parameter is described once, in params.c: its path (as written in a
 * configuration file), type, default, range, unit and meaning. Defaults,
 * validation, configuration reading, --set, the parameter listing and the
 * resolved configuration written beside results all come from that table. */
#ifndef TURNAROUND_PARAMS_H
#define TURNAROUND_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#define PARAMS_STRING_MAX 256

struct params {
    char title[PARAMS_STRING_MAX];

    int run_months;
    int64_t run_seed;
    int run_reps;

    int sector_orgs;
    double sector_turbulence;

    int culture_dimensions;
    double culture_socialisation;
    double culture_code_learning;
    int culture_superior;          /* enum superior_rule */
    int culture_socialise;         /* enum move_rule */
    int culture_code_update;       /* enum move_rule */
    double culture_slow_share;
    double culture_slow_socialisation;

    int org_staff;
    int org_team_size;
    double org_feedback;
    double org_defensiveness;

    double init_code_correct;
    double init_code_wrong;
    double init_staff_socialised;

    double staff_turnover;
    double staff_pressure_turnover;
    double staff_hire_from_sector;
    double staff_entrant_knowledge;
    int staff_induction;
    double staff_novice_capacity;

    double leader_openness;
    double leader_openness_spread;
    double leader_outward;
    double leader_outward_spread;
    double leader_turnover;
    double leader_memory_loss;
    double leader_blame_propensity;

    double voice_initial;
    double voice_responsiveness;
    double voice_acted_gain;
    double voice_blame_shock;
    double voice_adapt;
    double voice_team_weight;

    int peers_degree;
    double peers_rewire;
    double peers_strength_spread;
    double peers_decay;
    double peers_renewal;
    double peers_learning;

    int regulator_cycle;
    int regulator_cycle_ri;
    int regulator_cycle_inadequate;
    double regulator_noise;
    double regulator_concealment;
    double regulator_outstanding;
    double regulator_good;
    double regulator_inadequate;
    double regulator_pressure_ri;
    double regulator_pressure_decay;

    char intervention_schedule[PARAMS_STRING_MAX];
    char intervention_exit[PARAMS_STRING_MAX];
    char intervention_applies_to[PARAMS_STRING_MAX];
    int intervention_delay;
    int intervention_min_months;
    int intervention_reinspect_first;
    int intervention_reinspect_every;
    int intervention_max_months;
    int intervention_check_every;
    int intervention_forecasts;
    int intervention_forecast_months;
    double intervention_forecast_share;
    int intervention_forecast_sample;
    double intervention_knowledge;
    int intervention_after_months;

    double blame_removal;
    int blame_leader;
    double blame_successor_openness;
    double blame_successor_outward;
    int blame_every;

    double restructure_memory_loss;
    double restructure_reassigned;
    int restructure_every;

    int takeover_commissioners;
    double takeover_internalisation;
    double takeover_suppression;
    double takeover_scope;

    int ownership_commissioners;
    double ownership_coaching;
    double ownership_ties;
    double ownership_voice;
    double ownership_benchmark;

    int peer_every;
    int peer_days;
    double peer_reveal;
    double peer_wrong;
    double peer_ties;

    double interim_share;
    int interim_months;
    double interim_knowledge;
    double interim_wrong;
    int interim_leader;
    double interim_leader_traits;

    char compare_strategies[PARAMS_STRING_MAX];
    double plot_timeout;

    char focal_name[PARAMS_STRING_MAX];
    int focal_staff;
    double focal_openness;
    double focal_outward;
    double focal_tie_strength;
    double focal_code_correct;
    double focal_code_wrong;
    double focal_depth_spread;
};

/* How a member is judged better than the code (culture.superior): by the
 * dimensions it gets right; by right minus wrong; or by right minus wrong of its
 * practice, where a member with no view on a dimension acts at random. */
enum superior_rule { SUPERIOR_CORRECT, SUPERIOR_SCORE, SUPERIOR_ACTION };

/* How a view moves toward another (culture.socialise, culture.code_update):
 * it is adopted at once, or moves one step (the opposite view to none, none to
 * the other's view). */
enum move_rule { MOVE_ADOPT, MOVE_STEP };

/* PARAM_CHOICE: one of a fixed list of names, stored as its index (an int). */
enum param_type { PARAM_INT, PARAM_INT64, PARAM_REAL, PARAM_STRING, PARAM_CHOICE };

struct param_def {
    const char *path;       /* "group.name", as in a configuration file */
    enum param_type type;
    size_t offset;          /* of the field in struct params */
    double def, min, max;   /* numeric default and inclusive range */
    const char *sdef;       /* default of a string parameter */
    const char *unit;
    const char *doc;        /* one line of meaning */
    const char *const *choices; /* PARAM_CHOICE: the names, NULL-terminated, in index order */
};

/* The table, in the order parameters are listed and written. */
extern const struct param_def params_table[];
extern const size_t params_count;

/* Fill p with every parameter's default. */
void params_default(struct params *p);

/* The definition with this exact path, or NULL. */
const struct param_def *params_find(const char *path);

/* The known path nearest to path by edit distance, or NULL when none is close. */
const char *params_nearest(const char *path);

/* Field accessors driven by a definition. */
double params_get_number(const struct params *p, const struct param_def *d);
void params_set_number(struct params *p, const struct param_def *d, double v);
const char *params_get_string(const struct params *p, const struct param_def *d);
void params_set_string(struct params *p, const struct param_def *d, const char *s);

/* The field of an integer parameter too wide for a double (the seed). */
int64_t *params_int64(struct params *p, const struct param_def *d);
int64_t params_get_int64(const struct params *p, const struct param_def *d);

/* A choice parameter's name for index i, or NULL when out of range. */
const char *params_choice_name(const struct param_def *d, int i);

/* The index of name among d's choices, or -1. */
int params_choice_index(const struct param_def *d, const char *name);

/* The choice of d nearest to name by edit distance, or NULL when none is close. */
const char *params_nearest_choice(const struct param_def *d, const char *name);

/* The choices of d joined by sep ("correct, score or action" with ", " and
 * " or "), written into buf. A list of every choice parameter fits in
 * PARAMS_CHOICES_MAX bytes with separators of up to four characters (a test
 * holds the table to it), so buffers of that size never cut one. */
#define PARAMS_CHOICES_MAX 96
const char *params_choice_list(const struct param_def *d, const char *sep, const char *last, char *buf, size_t len);

/* Whether v lies in d's range (and is whole for integer types). */
int params_in_range(const struct param_def *d, double v);

/* Checks that involve more than one parameter. Returns 0 when p is consistent;
 * otherwise writes a message into msg naming the parameters, returns -1 and
 * stores in *culprit the path to blame for the message's location. */
int params_check(const struct params *p, char *msg, size_t len, const char **culprit);

#endif
