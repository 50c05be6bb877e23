/* ABC by rejection and by sequential Monte Carlo (lab/abc.c) on toy models
 * whose posteriors are known exactly, and its building blocks by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "abc.h"
#include "rng.h"
#include "support.h"

static void quantiles_by_hand(void **state)
{
    (void)state;
    const double x[] = { 4, 1, 3, 2 };
    assert_close(abc_quantile(x, NULL, 4, 0.5), 2.5, 1e-12);
    assert_close(abc_quantile(x, NULL, 4, 0.0), 1.0, 1e-12);
    assert_close(abc_quantile(x, NULL, 4, 1.0), 4.0, 1e-12);
    /* Weights 3 and 1: the order statistics sit at 3/8 and 7/8 of the weight. */
    const double y[] = { 0, 10 }, w[] = { 0.75, 0.25 };
    assert_close(abc_quantile(y, w, 2, 0.5), 2.5, 1e-12);
    assert_close(abc_quantile(y, w, 2, 0.2), 0.0, 1e-12);
    const double e[] = { 0.5, 0.5, 0, 0 };
    assert_close(abc_ess(e, 4), 2.0, 1e-12);
}

static void distance_by_hand(void **state)
{
    (void)state;
    struct abc_problem pb = { 0 };
    pb.n_stats = 2;
    pb.observed[0] = 10;
    pb.sd[0] = 2;
    pb.observed[1] = 0.5;
    pb.sd[1] = 0.1;
    const double s[] = { 14, 0.5 }, t[] = { 10, NAN };
    assert_close(abc_distance(&pb, s), sqrt(4.0 / 2.0), 1e-12);   /* z = (2, 0): rms sqrt(2) */
    assert_true(isinf(abc_distance(&pb, t)));
}

/* The toy model: each statistic is a parameter combination plus normal
 * noise of sd 0.2, drawn from the proposal's own stream. With a flat prior
 * the posterior of theta given the observed statistics is normal. */
struct toy {
    double a[2][2];   /* stat s = a[s] . theta + noise */
    size_t calls, simulated;
    double tolerance[40];   /* each generation's */
};

static int toy_simulate(void *ctx, size_t gen, size_t first, size_t n, const double *theta, double *stats,
                        struct diag *d)
{
    (void)d;
    struct toy *t = ctx;
    t->calls++;
    t->simulated += n;
    for (size_t i = 0; i < n; i++) {
        gsl_rng *r = rng_stream_alloc(rng_mix(gen), RNG_CULTURE, first + i);
        for (size_t s = 0; s < 2; s++)
            stats[i * 2 + s] = t->a[s][0] * theta[i * 2] + t->a[s][1] * theta[i * 2 + 1]
                               + gsl_ran_gaussian(r, 0.2);
        gsl_rng_free(r);
    }
    return 0;
}

static int toy_done(void *ctx, size_t gen, const struct abc_population *pop, struct diag *d)
{
    struct toy *t = ctx;
    (void)d;
    if (gen < 40)
        t->tolerance[gen] = pop->tolerance;
    double sum = 0;
    for (size_t i = 0; i < pop->n; i++)
        sum += pop->weight[i];
    assert_close(sum, 1.0, 1e-9);
    assert_true(gen >= 1);
    return 0;
}

static struct abc_problem toy_problem(struct toy *t, enum abc_method method)
{
    struct abc_problem pb = { 0 };
    pb.method = method;
    pb.k = 2;
    pb.lo[0] = pb.lo[1] = -5;
    pb.hi[0] = pb.hi[1] = 5;
    pb.n_stats = 2;
    pb.observed[0] = 1.5;   /* theta0 = 1.5 */
    pb.observed[1] = 0.5;   /* theta0 - theta1 = 0.5, so theta1 = 1 */
    pb.sd[0] = pb.sd[1] = 0.2;
    pb.particles = 400;
    pb.generations = 8;
    pb.quantile = 0.5;
    pb.proposals = 20000;
    pb.max_proposals = 400000;
    pb.seed = 17;
    pb.simulate = toy_simulate;
    pb.generation_done = toy_done;
    pb.ctx = t;
    t->a[0][0] = 1;
    t->a[0][1] = 0;
    t->a[1][0] = 1;
    t->a[1][1] = -1;
    return pb;
}

static void weighted_moments(const struct abc_population *pop, size_t j, double *mean, double *sd)
{
    double m = 0, v = 0;
    for (size_t i = 0; i < pop->n; i++)
        m += pop->weight[i] * pop->theta[i * pop->k + j];
    for (size_t i = 0; i < pop->n; i++)
        v += pop->weight[i] * pow(pop->theta[i * pop->k + j] - m, 2);
    *mean = m;
    *sd = sqrt(v);
}

/* The exact posterior: theta0 ~ N(1.5, 0.2^2 / ...) from both statistics:
 * s0 = t0 + e0, s1 = t0 - t1 + e1, so t0 = 1.5 +- 0.2 and t1 = t0 - 0.5
 * +- 0.2, sd(t1) = 0.2 sqrt(2). ABC's tolerance widens it a little. */
static void smc_finds_the_known_posterior(void **state)
{
    (void)state;
    struct toy t = { 0 };
    struct abc_problem pb = toy_problem(&t, ABC_SMC);
    struct abc_population pop;
    size_t gens;
    char why[300];
    struct diag d = { 0 };
    if (abc_run(&pb, &pop, &gens, why, sizeof why, &d))
        fail_msg("%s", d.msg);
    assert_int_equal(gens, 8);
    assert_string_equal(why, "");
    double m0, s0, m1, s1;
    weighted_moments(&pop, 0, &m0, &s0);
    weighted_moments(&pop, 1, &m1, &s1);
    printf("# theta0 %.3f (sd %.3f), theta1 %.3f (sd %.3f); tolerance %.3f; ESS %.0f; %zu simulated\n", m0, s0, m1,
           s1, pop.tolerance, abc_ess(pop.weight, pop.n), t.simulated);
    assert_true(fabs(m0 - 1.5) < 0.05);
    assert_true(fabs(m1 - 1.0) < 0.07);
    assert_true(s0 > 0.15 && s0 < 0.27);
    assert_true(s1 > 0.2 && s1 < 0.37);
    /* The noise alone puts a simulation at the truth about 1 away, so the
     * tolerance falls toward that from far above it. */
    for (size_t g = 2; g <= 8; g++)
        assert_true(t.tolerance[g] <= t.tolerance[g - 1]);
    assert_true(t.tolerance[8] < t.tolerance[1] / 2 && t.tolerance[8] < 1.2);
    assert_true(abc_ess(pop.weight, pop.n) > 40);
    abc_population_free(&pop);
}

static void smc_is_deterministic(void **state)
{
    (void)state;
    struct toy t1 = { 0 }, t2 = { 0 };
    struct abc_problem a = toy_problem(&t1, ABC_SMC), b = toy_problem(&t2, ABC_SMC);
    a.generations = b.generations = 3;
    struct abc_population pa, pb;
    size_t g;
    char why[300];
    struct diag d = { 0 };
    assert_int_equal(abc_run(&a, &pa, &g, why, sizeof why, &d), 0);
    assert_int_equal(abc_run(&b, &pb, &g, why, sizeof why, &d), 0);
    assert_memory_equal(pa.theta, pb.theta, pa.n * pa.k * sizeof *pa.theta);
    assert_memory_equal(pa.weight, pb.weight, pa.n * sizeof *pa.weight);
    b.seed = 18;
    abc_population_free(&pb);
    assert_int_equal(abc_run(&b, &pb, &g, why, sizeof why, &d), 0);
    assert_true(memcmp(pa.theta, pb.theta, pa.n * pa.k * sizeof *pa.theta) != 0);
    abc_population_free(&pa);
    abc_population_free(&pb);
}

static void rejection_keeps_the_nearest(void **state)
{
    (void)state;
    struct toy t = { 0 };
    struct abc_problem pb = toy_problem(&t, ABC_REJECTION);
    pb.particles = 200;
    struct abc_population pop;
    size_t g;
    char why[300];
    struct diag d = { 0 };
    assert_int_equal(abc_run(&pb, &pop, &g, why, sizeof why, &d), 0);
    assert_int_equal(g, 1);
    assert_int_equal(t.simulated, 20000);
    double worst = 0;
    for (size_t i = 0; i < pop.n; i++) {
        assert_close(pop.weight[i], 1.0 / 200, 1e-12);
        assert_true(pop.distance[i] <= pop.tolerance);
        if (pop.distance[i] > worst)
            worst = pop.distance[i];
    }
    assert_close(worst, pop.tolerance, 0);
    double m0, s0;
    weighted_moments(&pop, 0, &m0, &s0);
    assert_true(fabs(m0 - 1.5) < 0.1);
    abc_population_free(&pop);
}

/* A generation that cannot be filled ends the calibration at the last full
 * one, and says so. */
static void an_unreachable_tolerance_stops_early(void **state)
{
    (void)state;
    struct toy t = { 0 };
    struct abc_problem pb = toy_problem(&t, ABC_SMC);
    pb.generations = 30;
    pb.max_proposals = 4000;
    struct abc_population pop;
    size_t g;
    char why[300];
    struct diag d = { 0 };
    assert_int_equal(abc_run(&pb, &pop, &g, why, sizeof why, &d), 0);
    assert_true(g >= 2 && g < 30);
    assert_non_null(strstr(why, "so the calibration stops at generation"));
    abc_population_free(&pop);
}

/* Statistics that have no value for most of the prior are refused, not
 * silently accepted at an infinite tolerance. */
static int undefined_simulate(void *ctx, size_t gen, size_t first, size_t n, const double *theta, double *stats,
                              struct diag *d)
{
    (void)ctx;
    (void)gen;
    (void)first;
    (void)d;
    for (size_t i = 0; i < n; i++)
        stats[i * 2] = stats[i * 2 + 1] = theta[i * 2] > 4.0 ? 1.0 : NAN;
    return 0;
}

static void undefined_statistics_are_refused(void **state)
{
    (void)state;
    struct toy t = { 0 };
    struct abc_problem pb = toy_problem(&t, ABC_SMC);
    pb.simulate = undefined_simulate;
    struct abc_population pop;
    size_t g;
    char why[300];
    struct diag d = { 0 };
    assert_int_equal(abc_run(&pb, &pop, &g, why, sizeof why, &d), -1);
    assert_non_null(strstr(d.msg, "leave a statistic without a value"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quantiles_by_hand),
        cmocka_unit_test(distance_by_hand),
        cmocka_unit_test(smc_finds_the_known_posterior),
        cmocka_unit_test(smc_is_deterministic),
        cmocka_unit_test(rejection_keeps_the_nearest),
        cmocka_unit_test(an_unreachable_tolerance_stops_early),
        cmocka_unit_test(undefined_statistics_are_refused),
    };
    return cmocka_run_group_tests_name("approximate Bayesian computation", tests, NULL, NULL);
}
