/* Fuzz the calibration loader (calibrate_load: method, priors, targets). */
#include "fuzz_common.h"
#include "calibrate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file("calibration.cfg", data, size);
    static struct calibration c;
    struct calibrate_options o = { 0 };
    o.jobs = 1;
    struct diag d = { 0 };
    calibrate_load(&c, path, &o, &d);
    calibrate_free(&c);
    return 0;
}
