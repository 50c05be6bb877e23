/* serve_assets: the page's files (cli/serve_assets/), compiled into the
 * program by scripts/embed-assets, so the page needs nothing installed and
 * the server can serve nothing but them. */
#ifndef TURNAROUND_SERVE_ASSETS_H
#define TURNAROUND_SERVE_ASSETS_H

#include <stddef.h>

struct serve_asset {
    const char *path;             /* "/app.js", as requested */
    const char *type;             /* its Content-Type */
    const unsigned char *data;
    size_t size;
};

extern const struct serve_asset serve_assets[];
extern const size_t serve_asset_count;

#endif
