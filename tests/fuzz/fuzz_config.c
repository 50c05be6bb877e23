/* Fuzz the configuration loader (settings_load, with @include, base and
 * every parameter's checks): any input must give a result or a clear error,
 * never a crash, a hang or a sanitizer report. */
#include "fuzz_common.h"
#include "settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file("scenario.cfg", data, size);
    struct settings s;
    struct diag d = { 0 };
    if (settings_init(&s))
        return 0;
    if (settings_load(&s, path, &d) == 0)
        settings_check(&s, &d);
    settings_free(&s);
    return 0;
}
