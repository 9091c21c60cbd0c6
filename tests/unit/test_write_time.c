/* Unit tests of common/util/write_time: a change's time is the clock when it is past the stored time,
 * else one microsecond after it, so the times of one row's committed changes strictly increase. */
#include <criterion/criterion.h>

#include "timeutil/timeutil.h"
#include "util/mem.h"
#include "util/write_time.h"

Test(write_time, after_table)
{
    static const struct {
        int64_t now, prev, want;
    } cases[] = {
        {1000, 999, 1000},  /* clock ahead: the clock */
        {1000, 1000, 1001}, /* same microsecond: one later */
        {1000, 5000, 5001}, /* clock behind (stepped back, or a faster writer): one after the stored */
        {1000, -1, 1000},   /* nothing stored */
        {0, 0, 1},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        cr_expect_eq(write_time_after(cases[i].now, cases[i].prev), cases[i].want, "case %zu", i);
}

Test(write_time, now_after_is_strictly_increasing)
{
    int64_t t = time_now_us() + 10 * 1000000; /* a stored time 10 s in the future */
    for (int i = 0; i < 1000; i++) {
        int64_t next = write_time_now_after(t);
        cr_assert_gt(next, t);
        t = next;
    }
    int64_t before = time_now_us();
    cr_expect_geq(write_time_now_after(before - 1000000), before);
}
