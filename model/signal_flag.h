/* signal_flag: the flag a SIGINT or SIGTERM handler sets and other threads
 * read while it may be set: the pool's threads setting a sector up, serve's
 * job threads, the gnuplot watchdog. A volatile sig_atomic_t, which these
 * flags were until 0.5.3, is safe from a handler but not across threads (a
 * data race, which ThreadSanitizer reports); a lock-free atomic int is both
 * (C17 7.14.1.1, 7.17.5). Reads and writes of it are plain expressions,
 * sequentially consistent. */
#ifndef TURNAROUND_SIGNAL_FLAG_H
#define TURNAROUND_SIGNAL_FLAG_H

#include <stdatomic.h>

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "a signal handler may set only a lock-free atomic");

typedef atomic_int signal_flag;

#endif
