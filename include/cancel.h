/*
 * The cancel flag: set once by the first Ctrl-C (from a signal handler, or the thread that
 * watches for it), read by every worker and wait. An atomic, so that the write is seen by
 * threads that hold no common lock with the writer (a volatile int is not: a data race,
 * undefined behaviour). Lock-free on every platform we build for, so a signal handler may
 * store to it.
 *
 * Writers: atomic_store(&flag, 1). Readers: cancel_requested(ptr), NULL meaning "cannot be
 * cancelled" (the rollback runs without it).
 */
#ifndef ECSDEPLOY_CANCEL_H
#define ECSDEPLOY_CANCEL_H

#include <stdatomic.h>

typedef atomic_int cancel_flag;

static inline int cancel_requested(cancel_flag *f)
{
    return f && atomic_load(f) != 0;
}

#endif
