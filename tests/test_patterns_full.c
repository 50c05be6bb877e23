/* The full set of intervention patterns for `make check-patterns`: the quick
 * set of test_strategies.c over 400 replications, and pattern 3. */
#define REPS 400
#define FULL_SET 1
#include "test_strategies.c"
