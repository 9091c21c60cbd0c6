/* Unit tests of common/uuid: RFC 9562 v7 layout and ordering (also across threads), v4 bits, and the
 * strict canonical parser of api.md "Identifiers". */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "uuid/uuid.h"

Test(uuid, v7_version_variant_and_timestamp)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t before = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
    uuid_bytes u;
    uuid_v7(&u);
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t after = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;

    cr_assert_eq(u.b[6] >> 4, 7, "version nibble");
    cr_assert_eq(u.b[8] >> 6, 2, "variant bits 10");
    uint64_t ms = 0;
    for (int i = 0; i < 6; i++)
        ms = (ms << 8) | u.b[i];
    /* The counter may borrow a millisecond ahead at most when ids are made very fast. */
    cr_assert(ms >= before && ms <= after + 1, "ms %llu not in [%llu, %llu]", (unsigned long long)ms,
              (unsigned long long)before, (unsigned long long)after);

    char s[UUID_STR_LEN + 1];
    uuid_format(&u, s);
    cr_assert_eq(s[14], '7');
    cr_assert(strchr("89ab", s[19]) != NULL);
}

Test(uuid, v4_version_and_variant)
{
    for (int i = 0; i < 100; i++) {
        uuid_bytes u;
        uuid_v4(&u);
        cr_assert_eq(u.b[6] >> 4, 4);
        cr_assert_eq(u.b[8] >> 6, 2);
    }
    char a[UUID_STR_LEN + 1], b[UUID_STR_LEN + 1];
    uuid_v4_str(a);
    uuid_v4_str(b);
    cr_assert(uuid_valid(a) && uuid_valid(b));
    cr_assert_str_neq(a, b);
}

Test(uuid, v7_sequential_strictly_increasing)
{
    enum { N = 10000 };
    uuid_bytes prev, cur;
    char prev_s[UUID_STR_LEN + 1], cur_s[UUID_STR_LEN + 1];
    uuid_v7(&prev);
    uuid_format(&prev, prev_s);
    for (int i = 0; i < N; i++) {
        uuid_v7(&cur);
        cr_assert_eq(uuid_cmp(&prev, &cur), -1, "id %d not greater than the previous", i);
        cr_assert_eq(cur.b[6] >> 4, 7);
        cr_assert_eq(cur.b[8] >> 6, 2);
        /* Bytewise order equals lowercase text order. */
        uuid_format(&cur, cur_s);
        cr_assert(strcmp(prev_s, cur_s) < 0);
        prev = cur;
        memcpy(prev_s, cur_s, sizeof(prev_s));
    }
}

enum { THREADS = 4, PER_THREAD = 5000 };

static void *make_ids(void *arg)
{
    uuid_bytes *ids = arg;
    for (int i = 0; i < PER_THREAD; i++)
        uuid_v7(&ids[i]);
    return NULL;
}

static int cmp_ids(const void *a, const void *b)
{
    return uuid_cmp(a, b);
}

Test(uuid, v7_threads_distinct_and_each_increasing)
{
    uuid_bytes *ids = calloc(THREADS * PER_THREAD, sizeof(*ids));
    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++)
        cr_assert_eq(pthread_create(&th[t], NULL, make_ids, ids + t * PER_THREAD), 0);
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    for (int t = 0; t < THREADS; t++)
        for (int i = 1; i < PER_THREAD; i++)
            cr_assert_eq(uuid_cmp(&ids[t * PER_THREAD + i - 1], &ids[t * PER_THREAD + i]), -1);
    qsort(ids, THREADS * PER_THREAD, sizeof(*ids), cmp_ids);
    for (int i = 1; i < THREADS * PER_THREAD; i++)
        cr_assert_neq(uuid_cmp(&ids[i - 1], &ids[i]), 0, "duplicate id");
    free(ids);
}

Test(uuid, format_parse_round_trip)
{
    for (int i = 0; i < 200; i++) {
        uuid_bytes u, back;
        char s[UUID_STR_LEN + 1];
        if (i % 2)
            uuid_v7(&u);
        else
            uuid_v4(&u);
        uuid_format(&u, s);
        cr_assert_eq(strlen(s), UUID_STR_LEN);
        for (size_t k = 0; k < UUID_STR_LEN; k++)
            cr_assert(!(s[k] >= 'A' && s[k] <= 'F'), "output is lowercase");
        cr_assert_eq(uuid_parse(s, strlen(s), &back), 0);
        cr_assert_eq(uuid_cmp(&u, &back), 0);
    }
    char s[UUID_STR_LEN + 1];
    uuid_v7_str(s);
    cr_assert(uuid_valid(s));
}

Test(uuid, known_value)
{
    uuid_bytes u;
    char s[UUID_STR_LEN + 1];
    cr_assert_eq(uuid_parse("0192F3A4-5B6C-7D8E-9FA0-B1C2D3E4F5A6", 36, &u), 0);
    cr_assert_eq(u.b[0], 0x01);
    cr_assert_eq(u.b[15], 0xa6);
    uuid_format(&u, s);
    cr_assert_str_eq(s, "0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6");
}

Test(uuid, uppercase_accepted_and_normalized)
{
    char out[UUID_STR_LEN + 1];
    cr_assert(uuid_valid("01234567-89AB-CDEF-0123-456789ABCDEF"));
    cr_assert_eq(uuid_normalize("01234567-89AB-CDEF-0123-456789ABCDEF", out), 0);
    cr_assert_str_eq(out, "01234567-89ab-cdef-0123-456789abcdef");
    cr_assert_eq(uuid_normalize("not-a-uuid", out), -1);
    cr_assert_eq(uuid_normalize(NULL, out), -1);
}

Test(uuid, any_version_accepted)
{
    cr_assert(uuid_valid("00000000-0000-0000-0000-000000000000"));
    cr_assert(uuid_valid("ffffffff-ffff-ffff-ffff-ffffffffffff"));
    cr_assert(uuid_valid("123e4567-e89b-12d3-a456-426614174000")); /* v1 */
}

Test(uuid, rejects)
{
    static const char *bad[] = {
        "",
        "0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a",   /* 35 */
        "0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a60", /* 37 */
        "0192f3a45b6c7d8e9fa0b1c2d3e4f5a6",      /* no hyphens */
        "0192f3a4-5b6c7-d8e-9fa0-b1c2d3e4f5a6",  /* hyphen moved */
        "0192f3a-45b6c-7d8e-9fa0-b1c2d3e4f5a6",
        "0192f3a4_5b6c_7d8e_9fa0_b1c2d3e4f5a6",
        "0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5ag", /* non-hex */
        "{0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a}",
        " 0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a",
        "0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a ",
        "0192f3a4--b6c-7d8e-9fa0-b1c2d3e4f5a6",
        "urn:uuid:0192f3a4-5b6c-7d8e-9fa0-b1c2",
        "0x92f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uuid_bytes u;
        cr_assert_eq(uuid_parse(bad[i], strlen(bad[i]), &u), -1, "accepted \"%s\"", bad[i]);
        cr_assert(!uuid_valid(bad[i]));
    }
    cr_assert(!uuid_valid(NULL));
    /* The length given wins over the NUL: a valid prefix of a longer buffer is refused. */
    uuid_bytes u;
    cr_assert_eq(uuid_parse("0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6", 35, &u), -1);
}

Test(uuid, cmp)
{
    uuid_bytes a, b;
    cr_assert_eq(uuid_parse("00000000-0000-0000-0000-000000000001", 36, &a), 0);
    cr_assert_eq(uuid_parse("00000000-0000-0000-0000-000000000002", 36, &b), 0);
    cr_assert_eq(uuid_cmp(&a, &b), -1);
    cr_assert_eq(uuid_cmp(&b, &a), 1);
    cr_assert_eq(uuid_cmp(&a, &a), 0);
}
