#include "draw.h"

/* GSL's gap for the draw x: gsl_ran_geometric's formula on u = x / 2^32. */
static uint64_t formula_gap(double log_q, unsigned long x)
{
    return (uint64_t)(log((double)x / 4294967296.0) / log_q + 1) - 1;
}

void geometric_table_init(struct geometric_table *t, double p)
{
    const struct geometric q = geometric_of(p);
    const double log_q = q.log_q;
    const unsigned long top = 0xffffffffUL;
    t->p = p;
    t->log_q = q.log_q;
    t->sure = q.sure;
    t->rough = 0.69314718055994530942 / q.log_q;
    uint64_t most = formula_gap(log_q, 1);   /* the largest gap, at the smallest x */
    t->kmax = most < GEOMETRIC_TABLE_GAPS ? (uint32_t)most : GEOMETRIC_TABLE_GAPS;
    t->last[0] = (uint32_t)top;
    for (uint32_t k = 1; k <= t->kmax; k++) {
        /* Start near 2^32 (1 - p)^k and walk to the exact boundary: the
         * largest x whose gap is at least k. */
        double guess = ldexp(exp((double)k * log_q), 32);
        unsigned long x = guess < 1.0 ? 1UL : guess >= (double)top ? top : (unsigned long)guess;
        while (x > 1 && formula_gap(log_q, x) < k)
            x--;
        while (x < top && formula_gap(log_q, x + 1) >= k)
            x++;
        t->last[k] = (uint32_t)x;
    }
}
