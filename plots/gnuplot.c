#include "gnuplot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Okabe & Ito (2008): black first for the control arm, then the seven hues. */
static const char *const palette[] = {
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442",
};

const char *gp_colour(size_t i)
{
    return palette[i % (sizeof palette / sizeof palette[0])];
}

void gp_string(FILE *f, const char *text)
{
    fputc('\'', f);
    for (const char *c = text; *c; c++) {
        if (*c == '\'')
            fputs("''", f);
        else if (*c == '\n' || *c == '\r' || *c == '\t')
            fputc(' ', f);
        else
            fputc(*c, f);
    }
    fputc('\'', f);
}

static const char *terminal(const char *format)
{
    if (strcmp(format, "png") == 0)
        return "set terminal pngcairo size 1600,1000 noenhanced font 'Sans,22' linewidth 2";
    if (strcmp(format, "svg") == 0)
        return "set terminal svg size 1600,1000 dynamic noenhanced font 'Sans,22' linewidth 2";
    if (strcmp(format, "pdf") == 0)
        return "set terminal pdfcairo size 8in,5in noenhanced font 'Sans,11' linewidth 1.5";
    if (strcmp(format, "gif") == 0)   /* an animation, for slides */
        return "set terminal gif animate delay 8 loop 0 size 1200,750 noenhanced font 'Sans,16'";
    return NULL;
}

/* path quoted for sh: in single quotes, each ' inside written as '\'' */
static const char *shell_quote(const char *path, char *buf, size_t len)
{
    size_t n = 0;
    buf[n++] = '\'';
    for (const char *c = path; *c && n + 5 < len; c++) {
        if (*c == '\'') {
            memcpy(buf + n, "'\\''", 4);
            n += 4;
        } else {
            buf[n++] = *c;
        }
    }
    buf[n++] = '\'';
    buf[n] = '\0';
    return buf;
}

int chart_begin(struct chart *c, const char *dir, const char *name, const char *format, char *err, size_t len)
{
    memset(c, 0, sizeof *c);
    const char *term = terminal(format);
    if (!term) {
        snprintf(err, len, "unknown chart format '%s'; expected png, svg or pdf", format);
        return -1;
    }
    snprintf(c->dir, sizeof c->dir, "%s", dir);
    snprintf(c->name, sizeof c->name, "%s", name);
    char path[1200];
    snprintf(path, sizeof path, "%s/%s.dat", dir, name);
    c->data = fopen(path, "w");
    c->gp = open_memstream(&c->script, &c->script_len);
    if (!c->data || !c->gp) {
        snprintf(err, len, "chart %s: cannot write '%s': %s", name, path, strerror(errno));
        chart_abort(c);
        return -1;
    }
    fprintf(c->gp,
            "# %s: drawn by turnaround from the results beside this folder; the data are in %s.dat.\n"
            "# Restyle freely and redraw with: gnuplot %s.gp\n"
            "%s\n"
            "set output '%s.%s'\n"
            "set encoding utf8\n"
            "set border lw 1\n"
            "set grid lc rgb '#dddddd'\n"
            "set key noenhanced\n",
            name, name, name, term, name, format);
    return 0;
}

void chart_abort(struct chart *c)
{
    if (c->data)
        fclose(c->data);
    if (c->gp)
        fclose(c->gp);
    free(c->script);
    c->data = c->gp = NULL;
    c->script = NULL;
}

int chart_end(struct chart *c, char *err, size_t len)
{
    int bad_data = fclose(c->data) != 0;
    c->data = NULL;
    fclose(c->gp);
    c->gp = NULL;
    char path[1200], errpath[1200];
    snprintf(path, sizeof path, "%s/%s.gp", c->dir, c->name);
    FILE *f = fopen(path, "w");
    if (bad_data || !f || fwrite(c->script, 1, c->script_len, f) != c->script_len) {
        if (f)
            fclose(f);
        snprintf(err, len, "chart %s: cannot write its files in '%s'", c->name, c->dir);
        chart_abort(c);
        return -1;
    }
    fclose(f);

    /* gnuplot reading a pipe goes on after an error and reports it on
     * stderr, so stderr goes to a file and the exit status is checked. */
    snprintf(errpath, sizeof errpath, "%s/.%s.stderr", c->dir, c->name);
    char cmd[5000], qdir[2400], qerr[200], errname[100];
    snprintf(errname, sizeof errname, ".%s.stderr", c->name);   /* in dir, where gnuplot runs */
    snprintf(cmd, sizeof cmd, "cd %s && exec gnuplot 2>%s", shell_quote(c->dir, qdir, sizeof qdir),
             shell_quote(errname, qerr, sizeof qerr));
    int rc = -1;
    FILE *pipe = popen(cmd, "w");
    if (pipe) {
        fwrite(c->script, 1, c->script_len, pipe);
        rc = pclose(pipe);
    }
    chart_abort(c);
    char said[600] = "";
    FILE *e = fopen(errpath, "r");
    if (e) {
        size_t n = fread(said, 1, sizeof said - 1, e);
        said[n] = '\0';
        fclose(e);
        remove(errpath);
    }
    for (char *s = said; *s; s++)
        if (*s == '\n')
            *s = ' ';
    if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
        if (WIFEXITED(rc) && WEXITSTATUS(rc) == 127)
            snprintf(err, len, "chart %s: gnuplot is not installed (Debian: apt-get install gnuplot-nox)", c->name);
        else
            snprintf(err, len, "chart %s: gnuplot failed: %s", c->name, said[0] ? said : "no message");
        return -1;
    }
    return 0;
}
