/* Monotonic per-row write times (see write_time.h). Arithmetic on the caller's values plus one clock
 * read: no locks, no I/O. */
#include "util/write_time.h"

#include "timeutil/timeutil.h"

int64_t write_time_after(int64_t now_us, int64_t prev_us)
{
    if (prev_us >= 0 && now_us <= prev_us)
        return prev_us + 1;
    return now_us;
}

int64_t write_time_now_after(int64_t prev_us)
{
    return write_time_after(time_now_us(), prev_us);
}
