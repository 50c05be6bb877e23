/* Fuzz the sweep loader (sweep_load: designs, factors, strategies, sizes). */
#include "fuzz_common.h"
#include "sweep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file("sweep.cfg", data, size);
    static struct sweep sw;
    struct sweep_options o = { 0 };
    o.jobs = 1;
    o.shard = o.shards = 1;
    struct diag d = { 0 };
    sweep_load(&sw, path, &o, &d);
    sweep_free(&sw);
    return 0;
}
