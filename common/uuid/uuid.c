/* UUID generation (v7 for entity ids, v4 for request ids), strict parsing and lowercase formatting.
 * v7 ids are strictly increasing within the process across threads; randomness comes only from
 * getrandom(). Nothing here allocates or logs. */
#include "uuid/uuid.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "util/ascii.h"

/* The last v7 id handed out, as (48-bit ms, 74-bit counter = 12 bits rand_a + 62 bits rand_b). */
static pthread_mutex_t v7_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t v7_last_ms;
static uint64_t v7_last_hi; /* top 12 bits of the 74-bit tail (rand_a) */
static uint64_t v7_last_lo; /* low 62 bits of the tail (rand_b) */
static bool v7_started;

#define TAIL_LO_MASK ((UINT64_C(1) << 62) - 1)
#define TAIL_HI_MASK ((UINT64_C(1) << 12) - 1)
#define MS_MASK ((UINT64_C(1) << 48) - 1)

/* Fill buf with random bytes. A failing kernel CSPRNG leaves no safe way to make ids: abort. */
static void fill_random(void *buf, size_t len)
{
    unsigned char *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "uuid: getrandom failed: %s\n", strerror(errno));
            abort();
        }
        p += n;
        len -= (size_t)n;
    }
}

static uint64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec < 0)
        return 0;
    return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000) & MS_MASK;
}

static uint64_t load_be64(const unsigned char *b)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | b[i];
    return v;
}

void uuid_v7(uuid_bytes *out)
{
    unsigned char rnd[16];
    uint64_t ms, hi, lo;

    fill_random(rnd, sizeof(rnd)); /* outside the lock: the syscall must not serialise callers */
    ms = wall_ms();
    hi = load_be64(rnd) & TAIL_HI_MASK;
    lo = load_be64(rnd + 8) & TAIL_LO_MASK;

    pthread_mutex_lock(&v7_lock);
    if (v7_started && ms <= v7_last_ms) {
        /* Same millisecond, or the clock went backwards: the previous id plus one keeps the order. */
        ms = v7_last_ms;
        hi = v7_last_hi;
        lo = v7_last_lo + 1;
        if (lo > TAIL_LO_MASK) {
            lo = 0;
            hi++;
            if (hi > TAIL_HI_MASK) {
                /* 2^74 ids in one millisecond cannot happen; borrow the next millisecond anyway. */
                hi = 0;
                ms = (ms + 1) & MS_MASK;
            }
        }
    }
    v7_last_ms = ms;
    v7_last_hi = hi;
    v7_last_lo = lo;
    v7_started = true;
    pthread_mutex_unlock(&v7_lock);

    /* RFC 9562 5.7: unix_ts_ms(48) | ver(4)=7 | rand_a(12) | var(2)=10 | rand_b(62). */
    for (int i = 0; i < 6; i++)
        out->b[i] = (uint8_t)(ms >> (8 * (5 - i)));
    out->b[6] = (uint8_t)(0x70 | (hi >> 8));
    out->b[7] = (uint8_t)(hi & 0xff);
    out->b[8] = (uint8_t)(0x80 | ((lo >> 56) & 0x3f));
    for (int i = 9; i < 16; i++)
        out->b[i] = (uint8_t)(lo >> (8 * (15 - i)));
}

void uuid_v4(uuid_bytes *out)
{
    fill_random(out->b, sizeof(out->b));
    out->b[6] = (uint8_t)((out->b[6] & 0x0f) | 0x40);
    out->b[8] = (uint8_t)((out->b[8] & 0x3f) | 0x80);
}

void uuid_format(const uuid_bytes *u, char out[UUID_STR_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;

    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[u->b[i] >> 4];
        out[o++] = hex[u->b[i] & 0x0f];
    }
    out[o] = '\0';
}

void uuid_v7_str(char out[UUID_STR_LEN + 1])
{
    uuid_bytes u;
    uuid_v7(&u);
    uuid_format(&u, out);
}

void uuid_v4_str(char out[UUID_STR_LEN + 1])
{
    uuid_bytes u;
    uuid_v4(&u);
    uuid_format(&u, out);
}

int uuid_parse(const char *s, size_t len, uuid_bytes *out)
{
    uuid_bytes tmp;
    size_t nb = 0;

    if (!s || len != UUID_STR_LEN)
        return -1;
    for (size_t i = 0; i < UUID_STR_LEN;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return -1;
            i++;
            continue;
        }
        int h = ascii_hex_value(s[i]);
        int l = ascii_hex_value(s[i + 1]); /* i + 1 is never a hyphen position: groups have even length */
        if (h < 0 || l < 0)
            return -1;
        tmp.b[nb++] = (uint8_t)((h << 4) | l);
        i += 2;
    }
    if (out)
        *out = tmp;
    return 0;
}

bool uuid_valid(const char *s)
{
    return s && uuid_parse(s, strlen(s), NULL) == 0;
}

int uuid_normalize(const char *s, char out[UUID_STR_LEN + 1])
{
    uuid_bytes u;

    if (!s || uuid_parse(s, strlen(s), &u) < 0)
        return -1;
    uuid_format(&u, out);
    return 0;
}

int uuid_cmp(const uuid_bytes *a, const uuid_bytes *b)
{
    int c = memcmp(a->b, b->b, sizeof(a->b));
    return (c > 0) - (c < 0);
}
