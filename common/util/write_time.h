/* The time recorded by a change to an existing row (updatedAt, deletedAt): taken while the row lock is
 * held and strictly later than the row's stored time, so that of two committed changes to one row the
 * later-committed one always carries the later time (events.md 7's updatedAt rule depends on it). It
 * never reads or locks anything itself: callers pass the stored time of the row they hold locked. */
#pragma once
#include <stdint.h>

/* max(now_us, prev_us + 1): now_us when the clock is past prev_us, else one microsecond after prev_us
 * (a clock that stepped back, or two changes within one microsecond). prev_us < 0 means "no stored
 * time" and returns now_us. Pure. */
int64_t write_time_after(int64_t now_us, int64_t prev_us);

/* write_time_after(time_now_us(), prev_us). Call it only after the row lock is held. */
int64_t write_time_now_after(int64_t prev_us);
