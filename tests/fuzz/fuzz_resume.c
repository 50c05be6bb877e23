/* Fuzz the resume reader (sweep_verify_runs): the input is a runs.csv for a
 * fixed small sweep; whatever it holds, the reader keeps a verified prefix
 * or refuses, naming the line. */
#include "fuzz_common.h"
#include "sweep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sweep sw;
    static struct sweep_options o;
    static int loaded;
    if (!loaded) {
        const char *src = getenv("TURNAROUND_SRC");
        char text[600];
        snprintf(text, sizeof text,
                 "sweep = { scenario = \"%s/configs/default.cfg\"; reps = 2; strategies = [\"none\", \"takeover\"];\n"
                 "  vary = ( { param = \"peers.decay\"; values = [0.02, 0.06]; } ); };\n",
                 src ? src : ".");
        const char *path = fuzz_file("sweep.cfg", (const uint8_t *)text, strlen(text));
        o.jobs = 1;
        o.shard = o.shards = 1;
        struct diag d = { 0 };
        if (sweep_load(&sw, path, &o, &d) != 0) {
            fprintf(stderr, "fuzz_resume: %s (set TURNAROUND_SRC)\n", d.msg);
            abort();
        }
        loaded = 1;
    }
    const char *runs = fuzz_file("runs.csv", data, size);
    struct diag d = { 0 };
    long kept = sweep_verify_runs(&sw, &o, runs, &d);
    if (kept > 8)   /* the sweep has 8 runs: never more kept */
        abort();
    return 0;
}
