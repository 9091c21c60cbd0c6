/* Idempotency header syntax, the normalised input of a create request and its SHA-256 fingerprint
 * (transactions.md 8.1-8.2). Pure: the same body always gives the same bytes; nothing here touches
 * Redis or PostgreSQL. */
#include "txn_idem.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal/decimal.h"
#include "json/json.h"
#include "timeutil/timeutil.h"

/* ---- headers ------------------------------------------------------------------------------------ */

static void trim(const char *s, const char **start, size_t *len)
{
    const char *b = s;
    const char *e = s + strlen(s);
    while (b < e && (*b == ' ' || *b == '\t'))
        b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    *start = b;
    *len = (size_t)(e - b);
}

static int header_fail(api_error *e, const char *name, const char *msg)
{
    api_error_set(e, ERR_BAD_REQUEST, "%s %s", name, msg);
    api_error_field(e, name, "%s", msg);
    return -1;
}

int txn_idem_parse_headers(const char *key, const char *ttl, txn_idem_headers *out, api_error *e)
{
    const char *k = NULL;
    size_t klen = 0;

    memset(out, 0, sizeof(*out));
    out->ttl_s = TXN_IDEM_TTL_DEFAULT;
    if (!key)
        return 0;
    trim(key, &k, &klen);
    if (klen == 0)
        return 0;
    if (klen > TXN_IDEM_KEY_MAX)
        return header_fail(e, "X-Idempotency", "must be at most 256 characters");
    for (size_t i = 0; i < klen; i++)
        if ((unsigned char)k[i] < 0x20 || (unsigned char)k[i] > 0x7E)
            return header_fail(e, "X-Idempotency", "must contain only printable ASCII characters");
    memcpy(out->key, k, klen);
    out->key[klen] = '\0';
    out->present = true;

    if (ttl) {
        const char *t = NULL;
        size_t tlen = 0;
        long v = 0;
        trim(ttl, &t, &tlen);
        if (tlen == 0 || tlen > 5)
            return header_fail(e, "X-TTL", "must be an integer between 1 and 86400");
        for (size_t i = 0; i < tlen; i++) {
            if (t[i] < '0' || t[i] > '9')
                return header_fail(e, "X-TTL", "must be an integer between 1 and 86400");
            v = v * 10 + (t[i] - '0');
        }
        if (v < 1 || v > TXN_IDEM_TTL_MAX)
            return header_fail(e, "X-TTL", "must be an integer between 1 and 86400");
        out->ttl_s = (int)v;
    }
    return 0;
}

/* ---- normalised input ----------------------------------------------------------------------------- */

typedef enum canon_ctx {
    CANON_TOP,
    CANON_SEND,
    CANON_SOURCE,
    CANON_DISTRIBUTE,
    CANON_LEGS,
    CANON_LEG,
    CANON_AMOUNT,
    CANON_SHARE,
    CANON_RATE,
    CANON_METADATA,
    CANON_OTHER
} canon_ctx;

static canon_ctx canon_child(canon_ctx parent, const char *key)
{
    switch (parent) {
    case CANON_TOP:
        if (strcmp(key, "send") == 0)
            return CANON_SEND;
        if (strcmp(key, "metadata") == 0)
            return CANON_METADATA;
        break;
    case CANON_SEND:
        if (strcmp(key, "source") == 0)
            return CANON_SOURCE;
        if (strcmp(key, "distribute") == 0)
            return CANON_DISTRIBUTE;
        break;
    case CANON_SOURCE:
        if (strcmp(key, "from") == 0)
            return CANON_LEGS;
        break;
    case CANON_DISTRIBUTE:
        if (strcmp(key, "to") == 0)
            return CANON_LEGS;
        break;
    case CANON_LEG:
        if (strcmp(key, "amount") == 0)
            return CANON_AMOUNT;
        if (strcmp(key, "share") == 0)
            return CANON_SHARE;
        if (strcmp(key, "rate") == 0)
            return CANON_RATE;
        if (strcmp(key, "metadata") == 0)
            return CANON_METADATA;
        break;
    case CANON_LEGS:
    case CANON_AMOUNT:
    case CANON_SHARE:
    case CANON_RATE:
    case CANON_METADATA:
    case CANON_OTHER:
        break;
    }
    return CANON_OTHER;
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Money member as its canonical decimal string; the original when it cannot be parsed. */
static json_object *canon_decimal(json_object *v)
{
    const char *t = NULL;
    size_t len = 0;
    decimal d;
    char buf[DECIMAL_STR_MAX];
    if (json_object_is_type(v, json_type_string)) {
        t = json_object_get_string(v);
        len = (size_t)json_object_get_string_len(v);
    } else {
        t = json_number_text(v);
        len = t ? strlen(t) : 0;
    }
    if (!t || decimal_parse(t, len, &d) != DECIMAL_OK)
        return json_object_get(v);
    decimal_format(&d, buf, sizeof(buf));
    return json_object_new_string(buf);
}

static json_object *canon_value(json_object *v, canon_ctx ctx, bool with_pending);

static bool is_money_member(canon_ctx ctx, const char *key)
{
    return (ctx == CANON_SEND || ctx == CANON_AMOUNT || ctx == CANON_RATE) && strcmp(key, "value") == 0;
}

/* Copy of an object with sorted keys, nulls (and "" outside metadata) dropped, defaults added. */
static json_object *canon_object(json_object *v, canon_ctx ctx, bool with_pending)
{
    json_object *out = json_object_new_object();
    json_object *tmp = json_object_new_object(); /* members before sorting */
    size_t n = 0;
    const char **keys = NULL;

    json_object_object_foreach(v, key, val)
    {
        if (!val)
            continue;
        if (ctx != CANON_METADATA && json_object_is_type(val, json_type_string) &&
            json_object_get_string_len(val) == 0)
            continue;
        json_object *c = NULL;
        if (is_money_member(ctx, key)) {
            c = canon_decimal(val);
        } else if (ctx == CANON_TOP && strcmp(key, "transactionDate") == 0) {
            int64_t us = 0;
            char buf[TIME_STR_MAX];
            if (time_parse_transaction_date(json_object_get_string(val), &us) == 0) {
                time_format_us(us, buf, sizeof(buf));
                c = json_object_new_string(buf);
            } else {
                c = json_object_get(val);
            }
        } else if (ctx == CANON_LEG && strcmp(key, "balanceKey") == 0) {
            char *k = xstrdup(json_object_get_string(val));
            for (char *p = k; *p; p++)
                *p = (char)tolower((unsigned char)*p);
            c = json_object_new_string(k);
            free(k);
        } else if (ctx == CANON_SHARE && strcmp(key, "percentageOfPercentage") == 0) {
            const char *t = json_number_text(val);
            c = (t && strcmp(t, "0") == 0) ? json_object_new_int(100) : json_object_get(val);
        } else {
            c = canon_value(val, canon_child(ctx, key), with_pending);
        }
        json_object_object_add(tmp, key, c);
    }
    /* defaults (8.2) */
    if (ctx == CANON_LEG && !json_object_object_get_ex(tmp, "balanceKey", NULL))
        json_object_object_add(tmp, "balanceKey", json_object_new_string("default"));
    if (ctx == CANON_SHARE && !json_object_object_get_ex(tmp, "percentageOfPercentage", NULL))
        json_object_object_add(tmp, "percentageOfPercentage", json_object_new_int(100));
    if (ctx == CANON_TOP && with_pending && !json_object_object_get_ex(tmp, "pending", NULL))
        json_object_object_add(tmp, "pending", json_object_new_boolean(0));

    n = (size_t)json_object_object_length(tmp);
    keys = xcalloc(n ? n : 1, sizeof(*keys));
    size_t i = 0;
    json_object_object_foreach(tmp, k2, v2)
    {
        (void)v2;
        keys[i++] = k2;
    }
    qsort(keys, n, sizeof(*keys), key_cmp);
    for (i = 0; i < n; i++) {
        json_object *m = NULL;
        json_object_object_get_ex(tmp, keys[i], &m);
        json_object_object_add(out, keys[i], json_object_get(m));
    }
    free(keys);
    json_object_put(tmp);
    return out;
}

static json_object *canon_value(json_object *v, canon_ctx ctx, bool with_pending)
{
    if (json_object_is_type(v, json_type_object))
        return canon_object(v, ctx, with_pending);
    if (json_object_is_type(v, json_type_array)) {
        json_object *out = json_object_new_array();
        size_t n = json_object_array_length(v);
        canon_ctx el = ctx == CANON_LEGS ? CANON_LEG : CANON_OTHER;
        for (size_t i = 0; i < n; i++) {
            json_object *item = json_object_array_get_idx(v, i);
            json_object_array_add(out, item ? canon_value(item, el, with_pending) : NULL);
        }
        return out;
    }
    return json_object_get(v);
}

char *txn_canonical_input(json_object *body, bool with_pending)
{
    json_object *c = canon_value(body, CANON_TOP, with_pending);
    char *s = xstrdup(json_dump(c));
    json_object_put(c);
    return s;
}

void txn_fingerprint(const char *endpoint, const char *transaction_id, json_object *body, bool with_pending,
                     char out[TXN_FINGERPRINT_LEN + 1])
{
    strbuf sb = {0};
    strbuf_puts(&sb, endpoint);
    strbuf_putc(&sb, '\n');
    if (transaction_id) {
        char lower[64];
        snprintf(lower, sizeof(lower), "%s", transaction_id);
        for (char *p = lower; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        strbuf_puts(&sb, lower);
    }
    strbuf_putc(&sb, '\n');
    if (body) {
        char *c = txn_canonical_input(body, with_pending);
        strbuf_puts(&sb, c);
        free(c);
    }
    txn_sha256_hex(sb.buf ? sb.buf : "", sb.len, out);
    strbuf_free(&sb);
}

/* ---- SHA-256 (FIPS 180-4) ------------------------------------------------------------------------- */

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(uint32_t h[8], const unsigned char *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
               (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROTR(w[i - 15], 7) ^ ROTR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROTR(w[i - 2], 17) ^ ROTR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t s1 = ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + s1 + ch + sha_k[i] + w[i];
        uint32_t s0 = ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = s0 + maj;
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

void txn_sha256_hex(const void *data, size_t len, char out[TXN_FINGERPRINT_LEN + 1])
{
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    const unsigned char *p = data;
    unsigned char tail[128];
    size_t full = len / 64 * 64;
    size_t rest = len - full;
    uint64_t bits = (uint64_t)len * 8;

    for (size_t i = 0; i < full; i += 64)
        sha_block(h, p + i);
    memset(tail, 0, sizeof(tail));
    if (rest)
        memcpy(tail, p + full, rest);
    tail[rest] = 0x80;
    size_t tlen = rest + 1 + 8 <= 64 ? 64 : 128;
    for (int i = 0; i < 8; i++)
        tail[tlen - 1 - i] = (unsigned char)(bits >> (8 * i));
    sha_block(h, tail);
    if (tlen == 128)
        sha_block(h, tail + 64);
    for (int i = 0; i < 8; i++)
        snprintf(out + 8 * i, 9, "%08x", h[i]);
    out[TXN_FINGERPRINT_LEN] = '\0';
}
