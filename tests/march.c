#include "march.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "settings.h"
#include "support.h"
#include "world.h"

#define CELLS_MAX 512

const struct march_cell *march_reference(size_t *n)
{
    static struct march_cell cells[CELLS_MAX];
    static size_t count;
    if (count) {
        *n = count;
        return cells;
    }
    char path[1024], line[512];
    snprintf(path, sizeof path, "%s/tests/reference/march_reference.tsv", support_src());
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot read %s (write it with tests/reference/grid.py)", path);
    int header = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        if (!header) {
            static const char expected[] = "experiment\tvariant\tp1\tp2\tp3\tp4\tslow_share\tslow_p1\tperiod\treps\tmean\tsd\n";
            if (strcmp(line, expected) != 0)
                fail_msg("%s: unexpected header '%s'", path, line);
            header = 1;
            continue;
        }
        if (count == CELLS_MAX)
            fail_msg("%s: more than %d cells", path, CELLS_MAX);
        struct march_cell *c = &cells[count];
        if (sscanf(line, "%15s %15s %lf %lf %lf %lf %lf %lf %d %d %lf %lf", c->experiment, c->variant, &c->p1, &c->p2,
                   &c->p3, &c->p4, &c->slow_share, &c->slow_p1, &c->period, &c->reps, &c->mean, &c->sd) != 12)
            fail_msg("%s: cannot read line '%s'", path, line);
        count++;
    }
    fclose(f);
    if (!count)
        fail_msg("%s: no cells", path);
    *n = count;
    return cells;
}

static int same(double a, double b)
{
    return fabs(a - b) < 1e-9;
}

const struct march_cell *march_find(const char *experiment, const char *variant, double p1, double p2, double p3,
                                    double p4, double slow_share, int period)
{
    size_t n;
    const struct march_cell *cells = march_reference(&n);
    for (size_t i = 0; i < n; i++) {
        const struct march_cell *c = &cells[i];
        if (strcmp(c->experiment, experiment) == 0 && strcmp(c->variant, variant) == 0 && same(c->p1, p1)
            && same(c->p2, p2) && same(c->p3, p3) && same(c->p4, p4) && same(c->slow_share, slow_share)
            && c->period == period)
            return c;
    }
    fail_msg("no reference cell %s/%s p1=%g p2=%g p3=%g p4=%g slow share %g period %d", experiment, variant, p1, p2,
             p3, p4, slow_share, period);
    return NULL;
}

void march_params(struct params *p, const struct march_cell *c)
{
    static struct params shipped;
    static int loaded;
    if (!loaded) {
        char path[1024];
        snprintf(path, sizeof path, "%s/scenarios/march-1991.cfg", support_src());
        struct settings s;
        struct diag d = { 0 };
        if (settings_init(&s) || settings_load(&s, path, &d) || settings_check(&s, &d))
            fail_msg("%s", d.msg);
        shipped = s.p;
        settings_free(&s);
        loaded = 1;
    }
    *p = shipped;
    /* The reference's readings of March's rules (tests/reference/march1991.py);
     * the scenario ships March's own program's, "christensen". */
    static const struct {
        const char *variant;
        int superior, socialise, code_update;
    } readings[] = {
        { "christensen", SUPERIOR_ACTION, MOVE_STEP, MOVE_ADOPT },
        { "paper", SUPERIOR_CORRECT, MOVE_ADOPT, MOVE_ADOPT },
        { "basic", SUPERIOR_SCORE, MOVE_STEP, MOVE_STEP },
    };
    size_t k = 0;
    while (k < sizeof readings / sizeof readings[0] && strcmp(readings[k].variant, c->variant) != 0)
        k++;
    if (k == sizeof readings / sizeof readings[0])
        fail_msg("unknown variant '%s' in the reference table", c->variant);
    if (k == 0 && (shipped.culture_superior != readings[0].superior || shipped.culture_socialise != readings[0].socialise
                   || shipped.culture_code_update != readings[0].code_update))
        fail_msg("scenarios/march-1991.cfg no longer has March's rules (action, step, adopt)");
    p->culture_superior = readings[k].superior;
    p->culture_socialise = readings[k].socialise;
    p->culture_code_update = readings[k].code_update;
    p->culture_socialisation = c->p1;
    p->culture_code_learning = c->p2;
    p->staff_turnover = c->p3;
    p->sector_turbulence = c->p4;
    p->culture_slow_share = c->slow_share;
    p->culture_slow_socialisation = c->slow_p1;
    p->run_months = c->period;
}

void march_run(const struct march_cell *ref, int reps, uint64_t seed, struct march_cell *out)
{
    struct params p;
    march_params(&p, ref);
    double sum = 0.0, sq = 0.0;
    for (int rep = 0; rep < reps; rep++) {
        world *w = world_alloc(&p, rng_rep_seed(seed, (uint64_t)rep));
        assert_non_null(w);
        for (int m = 0; m < ref->period; m++)
            world_step(w);
        double k = world_obs(w, 0)->march_knowledge;
        sum += k;
        sq += k * k;
        world_free(w);
    }
    *out = *ref;
    out->reps = reps;
    out->mean = sum / reps;
    double var = (sq - reps * out->mean * out->mean) / (reps - 1);
    out->sd = var > 0.0 ? sqrt(var) : 0.0;
}

static double se_of_difference(const struct march_cell *a, const struct march_cell *b)
{
    return sqrt(a->sd * a->sd / a->reps + b->sd * b->sd / b->reps);
}

void march_dock(const struct march_cell *ref, int reps, uint64_t seed, struct march_cell *out)
{
    march_run(ref, reps, seed, out);
    double diff = out->mean - ref->mean, se = se_of_difference(out, ref);
    double z = se > 0.0 ? diff / se : (diff == 0.0 ? 0.0 : INFINITY);
    printf("| %s | %s | %g | %g | %g | %g | %g | %d | %.3f (%.3f) | %.3f (%.3f) | %+.3f | %+.1f |\n", ref->experiment,
           ref->variant, ref->p1, ref->p2, ref->p3, ref->p4, ref->slow_share, ref->period, out->mean,
           out->sd / sqrt(out->reps),
           ref->mean, ref->sd / sqrt(ref->reps), diff, z);
    fflush(stdout);
    if (!(fabs(diff) <= 0.02 && fabs(z) < 4.0))
        fail_msg("%s/%s p1=%g p2=%g p3=%g p4=%g slow share %g: project %.4f, reference %.4f, difference %+.4f (z %+.1f)",
                 ref->experiment, ref->variant, ref->p1, ref->p2, ref->p3, ref->p4, ref->slow_share, out->mean,
                 ref->mean, diff, z);
}

void march_claim_greater(const char *what, const struct march_cell *a, const struct march_cell *b)
{
    double diff = a->mean - b->mean, se = se_of_difference(a, b);
    printf("# %s: %.3f against %.3f, difference %+.3f (%.1f standard errors)\n", what, a->mean, b->mean, diff,
           se > 0 ? diff / se : 0.0);
    if (!(diff > 0.0 && diff >= 4.0 * se))
        fail_msg("%s: %.4f against %.4f, difference %+.4f, standard error %.4f", what, a->mean, b->mean, diff, se);
}
