/* checked: size arithmetic that says when it wraps. Every size or count
 * computed from user input goes through these, so a huge value is refused
 * rather than wrapped into a small allocation or an empty loop. Each returns
 * nonzero on overflow, leaving *out unspecified. */
#ifndef TURNAROUND_CHECKED_H
#define TURNAROUND_CHECKED_H

#include <stddef.h>

static inline int checked_mul(size_t a, size_t b, size_t *out)
{
    return __builtin_mul_overflow(a, b, out);
}

static inline int checked_add(size_t a, size_t b, size_t *out)
{
    return __builtin_add_overflow(a, b, out);
}

/* a * b * c */
static inline int checked_mul3(size_t a, size_t b, size_t c, size_t *out)
{
    size_t ab;
    return checked_mul(a, b, &ab) || checked_mul(ab, c, out);
}

#endif
