/* schedule: the text form of an intervention strategy and its exit test.
 *
 * A schedule is a list of phases, each a set of strategies applied together:
 *
 *   takeover:18, retained_ownership          takeover for 18 months, then ownership
 *   retained_ownership+peer_challenge        a combination, until the exit test passes
 *   takeover@0..18, peer_challenge@18..30    explicit windows, months from the start
 *
 * A phase with a length (":N") or a closed window ("@a..b") ends; the last
 * phase may be open (no length, or "@a.."), running until the exit test
 * passes. Windows must not overlap: strategies meant to act together are
 * joined with '+' in one phase. An exit test is "fixed:N" (leave after N
 * months), "rating" (leave at the first good rating) or "capability" (leave
 * when the commissioners' forecasts say the organisation will be good without
 * them). */
#ifndef TURNAROUND_SCHEDULE_H
#define TURNAROUND_SCHEDULE_H

#include <stddef.h>

enum strategy {
    STRATEGY_BLAME,
    STRATEGY_RESTRUCTURE,
    STRATEGY_TAKEOVER,
    STRATEGY_OWNERSHIP,
    STRATEGY_PEER_CHALLENGE,
    STRATEGY_INTERIM,
    STRATEGIES
};

#define SCHEDULE_PHASES_MAX 8
#define SCHEDULE_OPEN (-1)

struct phase {
    int start, end;      /* months from the intervention's start; end SCHEDULE_OPEN: until exit */
    unsigned strategies; /* bit (1u << enum strategy) for each strategy in the phase */
};

struct schedule {
    int n;               /* phases; 0 is "none", the control arm */
    struct phase phase[SCHEDULE_PHASES_MAX];
};

/* fixed: a set term; rating: the first good rating; improved: the first
 * rating better than inadequate (requires improvement or better), as special
 * measures end; capability: the commissioners' forecast. */
enum exit_kind { EXIT_FIXED, EXIT_RATING, EXIT_IMPROVED, EXIT_CAPABILITY };

struct exit_test {
    enum exit_kind kind;
    int months;          /* for EXIT_FIXED */
};

/* The name of a strategy as written in schedules ("retained_ownership"). */
const char *strategy_name(enum strategy s);

/* The list of known strategy names, for messages: "none, blame, ...". */
const char *strategy_names(void);

/* Parse text into s. Returns 0, or -1 with a message in msg saying what was
 * expected and what was found. */
int schedule_parse(const char *text, struct schedule *s, char *msg, size_t len);

/* Whether text is the control arm: a schedule with no phases ("none",
 * however spelt). */
int schedule_is_control(const char *text);

/* The strategies active m months after the intervention's start. */
unsigned schedule_active(const struct schedule *s, int m);

/* Months after which no phase is active any more, or SCHEDULE_OPEN when the
 * last phase is open-ended. */
int schedule_end(const struct schedule *s);

/* Parse an exit test. Returns 0, or -1 with a message. */
int exit_parse(const char *text, struct exit_test *e, char *msg, size_t len);

#endif
