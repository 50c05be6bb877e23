#include "abc.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

/* Tries at drawing a proposal inside the prior box before giving up. */
#define TRIES_MAX 10000

double abc_distance(const struct abc_problem *pb, const double *stats)
{
    double sum = 0.0;
    for (size_t s = 0; s < pb->n_stats; s++) {
        if (!isfinite(stats[s]))
            return INFINITY;
        double z = (stats[s] - pb->observed[s]) / pb->sd[s];
        sum += z * z;
    }
    return sqrt(sum / (double)pb->n_stats);
}

struct ranked {
    double x, w;
    size_t i;
};

static int by_value(const void *a, const void *b)
{
    const struct ranked *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return p->i < q->i ? -1 : (p->i > q->i);
}

double abc_quantile(const double *x, const double *w, size_t n, double q)
{
    if (n == 0)
        return NAN;
    struct ranked *r = malloc(n * sizeof *r);
    if (!r)
        return NAN;
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        r[i] = (struct ranked){ x[i], w ? w[i] : 1.0, i };
        total += r[i].w;
    }
    qsort(r, n, sizeof *r, by_value);
    /* The weighted order statistics sit at the middles of their weights'
     * stretches of [0, 1]; the quantile is interpolated between them. */
    double at = 0.0, value = r[n - 1].x;
    for (size_t i = 0; i < n; i++) {
        double mid = (at + r[i].w / 2.0) / total;
        if (q <= mid) {
            if (i == 0) {
                value = r[0].x;
            } else {
                double prev = (at - r[i - 1].w / 2.0) / total;
                double t = mid > prev ? (q - prev) / (mid - prev) : 1.0;
                value = isinf(r[i].x) || isinf(r[i - 1].x) ? (t < 1.0 ? r[i - 1].x : r[i].x)
                                                           : r[i - 1].x + t * (r[i].x - r[i - 1].x);
            }
            break;
        }
        at += r[i].w;
    }
    free(r);
    return value;
}

double abc_ess(const double *w, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += w[i] * w[i];
    return s > 0.0 ? 1.0 / s : 0.0;
}

void abc_population_free(struct abc_population *pop)
{
    free(pop->theta);
    free(pop->weight);
    free(pop->distance);
    free(pop->stats);
    memset(pop, 0, sizeof *pop);
}

static int population_alloc(struct abc_population *pop, size_t n, size_t k, size_t n_stats)
{
    memset(pop, 0, sizeof *pop);
    pop->n = n;
    pop->k = k;
    pop->n_stats = n_stats;
    pop->theta = calloc(n * k, sizeof *pop->theta);
    pop->weight = calloc(n, sizeof *pop->weight);
    pop->distance = calloc(n, sizeof *pop->distance);
    pop->stats = calloc(n * n_stats, sizeof *pop->stats);
    pop->tolerance = INFINITY;
    if (pop->theta && pop->weight && pop->distance && pop->stats)
        return 0;
    abc_population_free(pop);
    return -1;
}

/* The stream of proposal k of generation gen: its own, whatever else runs. */
static gsl_rng *proposal_rng(uint64_t seed, size_t gen, size_t k)
{
    return rng_stream_alloc(rng_mix(seed ^ rng_mix(0x41424353ULL + gen)), RNG_INIT, k);
}

/* The perturbation kernel: a normal with twice the previous generation's
 * weighted covariance (Beaumont et al. 2009), held as its Cholesky factor L. */
struct kernel {
    size_t k;
    double L[ABC_PARAMS_MAX][ABC_PARAMS_MAX];
};

/* Cholesky factor of a (k x k, symmetric) into L; -1 when not positive definite. */
static int cholesky(double a[ABC_PARAMS_MAX][ABC_PARAMS_MAX], size_t k, double L[ABC_PARAMS_MAX][ABC_PARAMS_MAX])
{
    memset(L, 0, sizeof(double) * ABC_PARAMS_MAX * ABC_PARAMS_MAX);
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j <= i; j++) {
            double s = a[i][j];
            for (size_t m = 0; m < j; m++)
                s -= L[i][m] * L[j][m];
            if (i == j) {
                if (!(s > 0.0))
                    return -1;
                L[i][i] = sqrt(s);
            } else {
                L[i][j] = s / L[j][j];
            }
        }
    return 0;
}

/* A population whose particles coincide on a parameter has no spread there;
 * a jitter of a millionth of the prior's width (growing if need be) keeps the
 * kernel a proper normal. */
static int kernel_from(const struct abc_population *pop, const struct abc_problem *pb, struct kernel *K)
{
    size_t k = pb->k;
    double mean[ABC_PARAMS_MAX] = { 0 }, a[ABC_PARAMS_MAX][ABC_PARAMS_MAX] = { { 0 } };
    K->k = k;
    for (size_t i = 0; i < pop->n; i++)
        for (size_t j = 0; j < k; j++)
            mean[j] += pop->weight[i] * pop->theta[i * k + j];
    for (size_t i = 0; i < pop->n; i++)
        for (size_t j = 0; j < k; j++)
            for (size_t l = 0; l < k; l++)
                a[j][l] += 2.0 * pop->weight[i] * (pop->theta[i * k + j] - mean[j]) * (pop->theta[i * k + l] - mean[l]);
    for (double jitter = 1e-12; jitter < 1.0; jitter *= 100.0) {
        double b[ABC_PARAMS_MAX][ABC_PARAMS_MAX];
        memcpy(b, a, sizeof b);
        for (size_t j = 0; j < k; j++)
            b[j][j] += jitter * (pb->hi[j] - pb->lo[j]) * (pb->hi[j] - pb->lo[j]);
        if (cholesky(b, k, K->L) == 0)
            return 0;
    }
    return -1;
}

static void kernel_draw(const struct kernel *K, const double *centre, gsl_rng *r, double *out)
{
    double z[ABC_PARAMS_MAX];
    for (size_t j = 0; j < K->k; j++)
        z[j] = gsl_ran_gaussian_ziggurat(r, 1.0);
    for (size_t i = 0; i < K->k; i++) {
        out[i] = centre[i];
        for (size_t j = 0; j <= i; j++)
            out[i] += K->L[i][j] * z[j];
    }
}

/* The kernel's log density at x around c, less its constant. */
static double kernel_log(const struct kernel *K, const double *x, const double *c)
{
    double y[ABC_PARAMS_MAX], s = 0.0;
    for (size_t i = 0; i < K->k; i++) {
        double v = x[i] - c[i];
        for (size_t j = 0; j < i; j++)
            v -= K->L[i][j] * y[j];
        y[i] = v / K->L[i][i];
        s += y[i] * y[i];
    }
    return -0.5 * s;
}

static int inside(const struct abc_problem *pb, const double *theta)
{
    for (size_t j = 0; j < pb->k; j++)
        if (!(theta[j] >= pb->lo[j] && theta[j] <= pb->hi[j]))
            return 0;
    return 1;
}

/* What one generation proposes from: the prior, or the last population. */
struct source {
    const struct abc_population *prev;   /* NULL: the prior */
    struct kernel K;
    gsl_ran_discrete_t *parents;
};

static int propose(const struct abc_problem *pb, const struct source *src, size_t gen, size_t k, double *theta,
                   struct diag *d)
{
    gsl_rng *r = proposal_rng(pb->seed, gen, k);
    if (!r)
        return diag_fail(d, EXIT_INPUT, "out of memory");
    int ok = 0;
    for (int t = 0; t < TRIES_MAX && !ok; t++) {
        if (!src->prev) {
            for (size_t j = 0; j < pb->k; j++)
                theta[j] = pb->lo[j] + (pb->hi[j] - pb->lo[j]) * gsl_rng_uniform(r);
        } else {
            /* A new parent at each try keeps the proposal density proportional
             * to the kernel mixture inside the box, so the weights are exact. */
            size_t parent = gsl_ran_discrete(r, src->parents);
            kernel_draw(&src->K, src->prev->theta + parent * pb->k, r, theta);
        }
        ok = inside(pb, theta);
    }
    gsl_rng_free(r);
    return ok ? 0 : diag_fail(d, EXIT_INPUT, "generation %zu: %d proposals in a row fell outside the priors", gen,
                              TRIES_MAX);
}

/* The importance weight of theta: prior over the kernel mixture (the prior
 * is uniform, so only the mixture varies), in logs for safety. */
static double log_weight(const struct source *src, const double *theta)
{
    const struct abc_population *prev = src->prev;
    if (!prev)
        return 0.0;
    double top = -INFINITY, *terms = malloc(prev->n * sizeof *terms);
    if (!terms)
        return NAN;
    for (size_t j = 0; j < prev->n; j++) {
        terms[j] = log(prev->weight[j]) + kernel_log(&src->K, theta, prev->theta + j * prev->k);
        if (terms[j] > top)
            top = terms[j];
    }
    double s = 0.0;
    for (size_t j = 0; j < prev->n; j++)
        s += exp(terms[j] - top);
    free(terms);
    return -(top + log(s));
}

struct batch {
    size_t cap;
    double *theta, *stats;
};

/* Fill generation gen of pb into pop from src: proposals in batches of
 * pb->particles, accepted in order while their distance is within tol, until
 * the population is full. With simulated set, b already holds the first
 * batch, proposed and simulated. Returns 1 when filled, 0 when limit
 * proposals ran out first, -1 on error. */
static int fill(const struct abc_problem *pb, const struct source *src, size_t gen, double tol, size_t limit,
                struct abc_population *pop, struct batch *b, int simulated, struct diag *d)
{
    size_t accepted = 0, k = pb->k, ns = pb->n_stats;
    pop->tolerance = tol;
    pop->proposals = 0;
    while (accepted < pop->n && pop->proposals < limit) {
        size_t n = b->cap < limit - pop->proposals ? b->cap : limit - pop->proposals;
        if (!simulated) {
            for (size_t i = 0; i < n; i++)
                if (propose(pb, src, gen, pop->proposals + i, b->theta + i * k, d))
                    return -1;
            if (pb->simulate(pb->ctx, gen, pop->proposals, n, b->theta, b->stats, d))
                return -1;
        }
        simulated = 0;
        for (size_t i = 0; i < n && accepted < pop->n; i++) {
            double dist = abc_distance(pb, b->stats + i * ns);
            if (!(dist <= tol))
                continue;
            memcpy(pop->theta + accepted * k, b->theta + i * k, k * sizeof *pop->theta);
            memcpy(pop->stats + accepted * ns, b->stats + i * ns, ns * sizeof *pop->stats);
            pop->distance[accepted] = dist;
            pop->weight[accepted] = log_weight(src, b->theta + i * k);
            accepted++;
        }
        pop->proposals += n;
        if (pb->progress)
            pb->progress(pb->ctx, gen, accepted, pop->proposals, tol);
    }
    if (accepted < pop->n)
        return 0;
    double top = -INFINITY, total = 0.0;
    for (size_t i = 0; i < pop->n; i++)
        if (pop->weight[i] > top)
            top = pop->weight[i];
    for (size_t i = 0; i < pop->n; i++)
        total += pop->weight[i] = exp(pop->weight[i] - top);
    for (size_t i = 0; i < pop->n; i++)
        pop->weight[i] /= total;
    return 1;
}

/* Plain rejection: pb->proposals from the prior, the particles nearest kept. */
static int run_rejection(const struct abc_problem *pb, struct abc_population *out, struct batch *b, struct diag *d)
{
    struct abc_population all;
    size_t n = pb->proposals, k = pb->k, ns = pb->n_stats;
    if (population_alloc(&all, n, k, ns))
        return diag_fail(d, EXIT_INPUT, "out of memory");
    struct source prior = { 0 };
    if (fill(pb, &prior, 1, INFINITY, n, &all, b, 0, d) != 1) {
        abc_population_free(&all);
        return -1;
    }
    struct ranked *r = malloc(n * sizeof *r);
    if (!r || population_alloc(out, pb->particles, k, ns)) {
        free(r);
        abc_population_free(&all);
        return diag_fail(d, EXIT_INPUT, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        r[i] = (struct ranked){ all.distance[i], 1.0, i };
    qsort(r, n, sizeof *r, by_value);
    for (size_t i = 0; i < out->n; i++) {
        size_t from = r[i].i;
        memcpy(out->theta + i * k, all.theta + from * k, k * sizeof *out->theta);
        memcpy(out->stats + i * ns, all.stats + from * ns, ns * sizeof *out->stats);
        out->distance[i] = all.distance[from];
        out->weight[i] = 1.0 / (double)out->n;
    }
    out->tolerance = out->distance[out->n - 1];
    out->proposals = n;
    free(r);
    abc_population_free(&all);
    if (isinf(out->tolerance))
        return diag_fail(d, EXIT_INPUT,
                         "fewer than %zu of the %zu proposals give every statistic a value (for example, no "
                         "organisation left intervention in their replications): raise reps or change the priors",
                         pb->particles, n);
    return pb->generation_done(pb->ctx, 1, out, d);
}

/* The first generation: the quantile of a first batch from the prior is its
 * tolerance, and the prior is sampled on until the population is full. */
static int first_generation(const struct abc_problem *pb, struct abc_population *pop, struct batch *b,
                            struct diag *d)
{
    size_t n = pb->particles, k = pb->k;
    struct source prior = { 0 };
    for (size_t i = 0; i < n; i++)
        if (propose(pb, &prior, 1, i, b->theta + i * k, d))
            return -1;
    if (pb->simulate(pb->ctx, 1, 0, n, b->theta, b->stats, d))
        return -1;
    double *dist = malloc(n * sizeof *dist);
    if (!dist)
        return diag_fail(d, EXIT_INPUT, "out of memory");
    for (size_t i = 0; i < n; i++)
        dist[i] = abc_distance(pb, b->stats + i * pb->n_stats);
    double tol = abc_quantile(dist, NULL, n, pb->quantile);
    free(dist);
    if (!isfinite(tol))
        return diag_fail(d, EXIT_INPUT,
                         "more than %.0f%% of the first %zu proposals from the priors leave a statistic without a "
                         "value (for example, no organisation left intervention in their replications): raise reps "
                         "or change the priors",
                         100.0 * (1.0 - pb->quantile), n);
    int filled = fill(pb, &prior, 1, tol, pb->max_proposals, pop, b, 1, d);
    if (filled < 0)
        return -1;
    if (filled == 0)
        return diag_fail(d, EXIT_INPUT, "generation 1: %zu proposals from the priors gave fewer than %zu within "
                         "tolerance %g", pop->proposals, n, tol);
    return pb->generation_done(pb->ctx, 1, pop, d);
}

int abc_run(const struct abc_problem *pb, struct abc_population *out, size_t *generations_run, char *stopped_early,
            size_t len, struct diag *d)
{
    size_t k = pb->k, ns = pb->n_stats, n = pb->particles;
    stopped_early[0] = '\0';
    *generations_run = 0;
    memset(out, 0, sizeof *out);
    struct batch b = { n, calloc(n * k, sizeof(double)), calloc(n * ns, sizeof(double)) };
    if (!b.theta || !b.stats) {
        free(b.theta);
        free(b.stats);
        return diag_fail(d, EXIT_INPUT, "out of memory");
    }
    int rc;
    if (pb->method == ABC_REJECTION) {
        rc = run_rejection(pb, out, &b, d);
        *generations_run = rc ? 0 : 1;
    } else {
        struct abc_population prev, next;
        rc = population_alloc(&prev, n, k, ns) || population_alloc(&next, n, k, ns)
                 ? diag_fail(d, EXIT_INPUT, "out of memory")
                 : first_generation(pb, &prev, &b, d);
        size_t gen = 1;
        while (!rc && ++gen <= pb->generations) {
            struct source src = { &prev, { 0 }, gsl_ran_discrete_preproc(prev.n, prev.weight) };
            if (!src.parents || kernel_from(&prev, pb, &src.K)) {
                gsl_ran_discrete_free(src.parents);
                rc = diag_fail(d, EXIT_INPUT, "generation %zu: cannot form the perturbation kernel", gen);
                break;
            }
            double tol = abc_quantile(prev.distance, NULL, prev.n, pb->quantile);
            int filled = fill(pb, &src, gen, tol, pb->max_proposals, &next, &b, 0, d);
            gsl_ran_discrete_free(src.parents);
            if (filled < 0) {
                rc = -1;
            } else if (filled == 0) {
                snprintf(stopped_early, len,
                         "generation %zu accepted fewer than %zu particles within tolerance %.4g in %zu proposals "
                         "(max_proposals), so the calibration stops at generation %zu",
                         gen, n, tol, next.proposals, gen - 1);
                break;
            } else {
                rc = pb->generation_done(pb->ctx, gen, &next, d);
                struct abc_population t = prev;
                prev = next;
                next = t;
            }
        }
        *generations_run = rc ? 0 : (gen > pb->generations ? pb->generations : gen - 1);
        abc_population_free(&next);
        if (rc)
            abc_population_free(&prev);
        else
            *out = prev;
    }
    free(b.theta);
    free(b.stats);
    return rc;
}
