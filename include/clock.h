/* Time for the whole program: one monotonic clock for elapsed time and deadlines, the
 * wall clock for timestamps, and one sleep that a cancel flag (Ctrl-C) cuts short and that
 * gives the sleeping thread's slot back meanwhile (slots.h). */
#ifndef ECSDEPLOY_CLOCK_H
#define ECSDEPLOY_CLOCK_H

#include "cancel.h"

/* Seconds on the monotonic clock (not wall time: only differences mean something). */
double util_now(void);
/* The same in whole milliseconds. */
long long util_now_ms(void);
/* Seconds since the epoch, with the fraction (for timestamps, never for intervals). */
double util_wall(void);

/*
 * Sleep `seconds` (nothing for <= 0). A signal does not end it early. With a cancel flag
 * (may be NULL) it wakes every 50 ms and returns -1 as soon as *cancel is set, also when
 * it already was; otherwise 0 once the time has passed. A thread holding a slot
 * (util_slots_held) gives it back for the sleep and takes one again before returning.
 */
int util_sleep(double seconds, cancel_flag *cancel);

#endif
