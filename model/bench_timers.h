/* bench_timers: CPU time spent in each phase of world_step and in the
 * capability forecasts, for `make bench` only. Compiled in by
 * -DTURNAROUND_BENCH_TIMERS (the build/bench build of the Makefile); in every
 * other build BENCH_PHASE and the forecast timer are the bare statement and
 * nothing of this module exists. The timers only read a clock: the same
 * parameters and seed give the same bits with them or without. */
#ifndef TURNAROUND_BENCH_TIMERS_H
#define TURNAROUND_BENCH_TIMERS_H

#include <stdint.h>

/* The phases of world_step in its order, then the capability forecasts. */
enum bench_timer {
    BENCH_STANDARD, BENCH_PEERS, BENCH_CULTURE, BENCH_VOICE, BENCH_WORKFORCE, BENCH_LEADERSHIP,
    BENCH_OBSERVE, BENCH_REGULATOR, BENCH_INTERVENTION, BENCH_FORECAST, BENCH_TIMERS
};

#ifdef TURNAROUND_BENCH_TIMERS
/* The timer's name, as make bench prints it ("culture", "forecast"). */
const char *bench_timer_name(enum bench_timer t);

/* Thread CPU nanoseconds accumulated by timer t over all threads, and how
 * many times it ran, since the start or the last bench_timers_reset. */
uint64_t bench_timer_ns(enum bench_timer t);
uint64_t bench_timer_calls(enum bench_timer t);
void bench_timers_reset(void);

/* A phase's clock reading, or 0 inside a forecast (whose own worlds' phases
 * are the forecast's time, not the phase's). */
uint64_t bench_start(void);
void bench_stop(enum bench_timer t, uint64_t start);
/* The forecast timer: phases timed inside it count only as the forecast. */
uint64_t bench_forecast_start(void);
void bench_forecast_stop(uint64_t start);
/* Organisation-months stepped (world_step adds its organisations), in the
 * replications (forecast 0) and inside the forecasts (1): what the forecasts'
 * share of the time is made of, their share of the work and the cost of each
 * month of it. */
void bench_count_org_months(uint64_t n);
uint64_t bench_org_months(int forecast);

/* BENCH_PHASE(CULTURE, culture_step(w)): the call, timed as BENCH_CULTURE. */
#define BENCH_PHASE(t, call)                       \
    do {                                           \
        uint64_t bench_start_ = bench_start();     \
        call;                                      \
        bench_stop(BENCH_##t, bench_start_);       \
    } while (0)
#else
#define BENCH_PHASE(t, call) call
#endif

#endif
