/* bench_timers: see bench_timers.h. Empty unless TURNAROUND_BENCH_TIMERS. */
#include "bench_timers.h"

#ifdef TURNAROUND_BENCH_TIMERS
#include <stdatomic.h>
#include <time.h>

/* Shared by every thread of a run (make bench's instrumentation, never the
 * model's state): sums, so threads add without a lock. */
static _Atomic uint64_t timer_ns[BENCH_TIMERS], timer_calls[BENCH_TIMERS];
static _Atomic uint64_t org_months[2];
static _Thread_local int in_forecast;

static uint64_t thread_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec + 1u;   /* never 0: 0 means untimed */
}

const char *bench_timer_name(enum bench_timer t)
{
    static const char *const names[BENCH_TIMERS] = { "standard", "peers", "culture", "voice", "workforce",
                                                     "leadership", "observe", "regulator", "intervention",
                                                     "forecast" };
    return t < BENCH_TIMERS ? names[t] : "";
}

uint64_t bench_timer_ns(enum bench_timer t)
{
    return atomic_load(&timer_ns[t]);
}

uint64_t bench_timer_calls(enum bench_timer t)
{
    return atomic_load(&timer_calls[t]);
}

void bench_timers_reset(void)
{
    for (int t = 0; t < BENCH_TIMERS; t++) {
        atomic_store(&timer_ns[t], 0);
        atomic_store(&timer_calls[t], 0);
    }
    atomic_store(&org_months[0], 0);
    atomic_store(&org_months[1], 0);
}

void bench_count_org_months(uint64_t n)
{
    atomic_fetch_add_explicit(&org_months[in_forecast > 0], n, memory_order_relaxed);
}

uint64_t bench_org_months(int forecast)
{
    return atomic_load(&org_months[forecast != 0]);
}

uint64_t bench_start(void)
{
    return in_forecast ? 0 : thread_ns();
}

void bench_stop(enum bench_timer t, uint64_t start)
{
    if (!start)
        return;
    atomic_fetch_add_explicit(&timer_ns[t], thread_ns() - start, memory_order_relaxed);
    atomic_fetch_add_explicit(&timer_calls[t], 1, memory_order_relaxed);
}

uint64_t bench_forecast_start(void)
{
    uint64_t start = bench_start();
    in_forecast++;
    return start;
}

void bench_forecast_stop(uint64_t start)
{
    in_forecast--;
    bench_stop(BENCH_FORECAST, start);
}
#endif
