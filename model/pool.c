#include "pool.h"

#include <pthread.h>
#include <stdlib.h>

struct helper {
    struct pool *pl;
    int index;
    pthread_t thread;
};

struct pool {
    int threads;
    pthread_mutex_t lock;
    pthread_cond_t go, done;
    unsigned long generation;   /* one more for each job */
    int pending;                /* helpers still working on the job */
    int quit;
    size_t n;
    pool_fn *fn;
    void *ctx;
    struct helper helper[];
};

void pool_block(const struct pool *pl, size_t n, int t, size_t *begin, size_t *end)
{
    size_t T = (size_t)pool_threads(pl);
    *begin = n / T * (size_t)t + n % T * (size_t)t / T;   /* n t / T without overflow */
    *end = n / T * (size_t)(t + 1) + n % T * (size_t)(t + 1) / T;
}

static void *helper_main(void *arg)
{
    struct helper *h = arg;
    struct pool *pl = h->pl;
    unsigned long seen = 0;
    pthread_mutex_lock(&pl->lock);
    for (;;) {
        while (pl->generation == seen && !pl->quit)
            pthread_cond_wait(&pl->go, &pl->lock);
        if (pl->quit)
            break;
        seen = pl->generation;
        size_t begin, end;
        pool_block(pl, pl->n, h->index, &begin, &end);
        pool_fn *fn = pl->fn;
        void *ctx = pl->ctx;
        pthread_mutex_unlock(&pl->lock);
        if (begin < end)
            fn(ctx, begin, end, h->index);
        pthread_mutex_lock(&pl->lock);
        if (--pl->pending == 0)
            pthread_cond_signal(&pl->done);
    }
    pthread_mutex_unlock(&pl->lock);
    return NULL;
}

struct pool *pool_new(int threads)
{
    if (threads < 2 || threads > 64)
        return NULL;
    struct pool *pl = calloc(1, sizeof *pl + (size_t)(threads - 1) * sizeof pl->helper[0]);
    if (!pl)
        return NULL;
    pl->threads = threads;
    if (pthread_mutex_init(&pl->lock, NULL)) {
        free(pl);
        return NULL;
    }
    if (pthread_cond_init(&pl->go, NULL)) {
        pthread_mutex_destroy(&pl->lock);
        free(pl);
        return NULL;
    }
    if (pthread_cond_init(&pl->done, NULL)) {
        pthread_cond_destroy(&pl->go);
        pthread_mutex_destroy(&pl->lock);
        free(pl);
        return NULL;
    }
    int started = 0;
    for (; started < threads - 1; started++) {
        struct helper *h = &pl->helper[started];
        h->pl = pl;
        h->index = started + 1;
        if (pthread_create(&h->thread, NULL, helper_main, h))
            break;
    }
    if (started < threads - 1) {
        pl->threads = started + 1;   /* pool_free stops the ones that did start */
        pool_free(pl);
        return NULL;
    }
    return pl;
}

void pool_free(struct pool *pl)
{
    if (!pl)
        return;
    pthread_mutex_lock(&pl->lock);
    pl->quit = 1;
    pthread_cond_broadcast(&pl->go);
    pthread_mutex_unlock(&pl->lock);
    for (int k = 0; k < pl->threads - 1; k++)
        pthread_join(pl->helper[k].thread, NULL);
    pthread_cond_destroy(&pl->done);
    pthread_cond_destroy(&pl->go);
    pthread_mutex_destroy(&pl->lock);
    free(pl);
}

int pool_threads(const struct pool *pl)
{
    return pl ? pl->threads : 1;
}

void pool_run(struct pool *pl, size_t n, pool_fn *fn, void *ctx)
{
    if (!pl) {
        if (n > 0)
            fn(ctx, 0, n, 0);
        return;
    }
    pthread_mutex_lock(&pl->lock);
    pl->n = n;
    pl->fn = fn;
    pl->ctx = ctx;
    pl->pending = pl->threads - 1;
    pl->generation++;
    pthread_cond_broadcast(&pl->go);
    pthread_mutex_unlock(&pl->lock);
    size_t begin, end;
    pool_block(pl, n, 0, &begin, &end);
    if (begin < end)
        fn(ctx, begin, end, 0);
    pthread_mutex_lock(&pl->lock);
    while (pl->pending > 0)
        pthread_cond_wait(&pl->done, &pl->lock);
    pthread_mutex_unlock(&pl->lock);
}
