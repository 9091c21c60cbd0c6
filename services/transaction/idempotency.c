/* Idempotency across Redis and PostgreSQL (transactions.md 8.3). Redis values: "P|<token>|<fp>" for an
 * IN_FLIGHT claim (SET NX PX lease) and "C|<fp>|<status>|<body>" for a cached COMPLETED record (PX = the
 * record's remaining lifetime, so a replay never extends it). PostgreSQL's record is the truth. */
#include "idempotency.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log/log.h"
#include "service/service.h"
#include "service/service_http.h"
#include "store_idem.h"
#include "timeutil/timeutil.h"
#include "uuid/uuid.h"

static const char release_script[] =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

void idem_init(idem_ctx *ic, const char *org, const char *ledger, const txn_idem_headers *h, const char *fp)
{
    memset(ic, 0, sizeof(*ic));
    ic->active = h->present;
    ic->h = *h;
    snprintf(ic->org, sizeof(ic->org), "%s", org);
    snprintf(ic->ledger, sizeof(ic->ledger), "%s", ledger);
    snprintf(ic->fp, sizeof(ic->fp), "%s", fp);
    snprintf(ic->redis_key, sizeof(ic->redis_key), "midaz:tx:idem:%s:%s:%s", org, ledger, h->key);
    char token[UUID_STR_LEN + 1];
    uuid_v4_str(token);
    snprintf(ic->claim, sizeof(ic->claim), "P|%s|%s", token, fp);
}

void idem_reply(http_request *r, int status, const char *body, bool replayed)
{
    http_reply_set_header(r, "X-Idempotency-Replayed", replayed ? "true" : "false");
    service_reply_json_text(r, status, body);
}

static void reply_conflict(http_request *r, bool same_body)
{
    http_reply_error(r, ERR_DUPLICATE_IDEMPOTENCY_KEY,
                     same_body ? "a request with this idempotency key is in progress"
                               : "the idempotency key was used with a different request body");
}

/* Cache a COMPLETED record in Redis for its remaining lifetime (best effort). */
static void cache_completed(cache *rc, idem_ctx *ic, int status, const char *body, int64_t expires_us)
{
    int64_t ms = (expires_us - time_now_us()) / 1000;
    char px[24];
    if (!rc || ms <= 0) {
        if (rc)
            (void)cache_del(rc, ic->redis_key);
        return;
    }
    snprintf(px, sizeof(px), "%" PRId64, ms);
    char *value = xasprintf("C|%s|%d|%s", ic->fp, status, body);
    const char *argv[] = {"SET", ic->redis_key, value, "PX", px};
    size_t lens[] = {3, strlen(ic->redis_key), strlen(value), 2, strlen(px)};
    redisReply *rep = cache_command_argv(rc, 5, argv, lens);
    bool ok = rep && rep->type == REDIS_REPLY_STATUS;
    if (rep)
        freeReplyObject(rep);
    if (!ok)
        (void)cache_del(rc, ic->redis_key);
    free(value);
}

void idem_release(cache *rc, idem_ctx *ic)
{
    if (!ic->active || !ic->claimed || !rc)
        return;
    const char *argv[] = {"EVAL", release_script, "1", ic->redis_key, ic->claim};
    size_t lens[] = {4, strlen(release_script), 1, strlen(ic->redis_key), strlen(ic->claim)};
    redisReply *rep = cache_command_argv(rc, 5, argv, lens);
    if (rep)
        freeReplyObject(rep);
    ic->claimed = false; /* if Redis failed, the lease expires on its own */
}

void idem_completed(cache *rc, idem_ctx *ic, int status, const char *body, int64_t expires_us)
{
    if (!ic->active)
        return;
    cache_completed(rc, ic, status, body, expires_us);
    ic->claimed = false;
}

/* Answer from the durable record: 1 replied, 0 no record, -1 database error (replied). */
static int answer_from_pg(http_request *r, cache *rc, db_conn *c, idem_ctx *ic)
{
    arena *a = arena_new();
    idem_record rec;
    bool found = false;
    int rc_out = 0;
    db_status st = store_idem_get(c, a, ic->org, ic->ledger, ic->h.key, &rec, &found);
    if (st != DB_OK) {
        idem_release(rc, ic);
        service_reply_db_error(r, st);
        rc_out = -1;
        goto cleanup;
    }
    if (!found)
        goto cleanup;
    if (strcmp(rec.fingerprint, ic->fp) == 0) {
        /* our claim (if any) becomes the cached record */
        cache_completed(rc, ic, rec.status, rec.body, rec.expires_us);
        ic->claimed = false;
        idem_reply(r, rec.status, rec.body, true);
    } else {
        idem_release(rc, ic);
        reply_conflict(r, false);
    }
    rc_out = 1;
cleanup:
    arena_free(a);
    return rc_out;
}

idem_begin_result idem_begin(http_request *r, cache *rc, db_conn *c, idem_ctx *ic)
{
    if (!ic->active)
        return IDEM_PROCEED;
    for (int attempt = 0; attempt < 3; attempt++) {
        int set = rc ? cache_set_nx(rc, ic->redis_key, ic->claim, strlen(ic->claim), IDEM_LEASE_MS) : -1;
        if (set == 1 || set < 0) {
            /* claimed, or Redis unavailable: PostgreSQL decides whether a record exists */
            ic->claimed = set == 1;
            int pg = answer_from_pg(r, rc, c, ic);
            return pg == 0 ? IDEM_PROCEED : IDEM_REPLIED;
        }
        char *value = NULL;
        size_t len = 0;
        int got = cache_get(rc, ic->redis_key, &value, &len);
        if (got == 0)
            continue; /* the claim or record vanished in between: try to claim again */
        if (got < 0) {
            int pg = answer_from_pg(r, rc, c, ic);
            return pg == 0 ? IDEM_PROCEED : IDEM_REPLIED;
        }
        if (len > 2 && value[0] == 'C' && value[1] == '|') {
            /* C|fp|status|body */
            const char *fp = value + 2;
            const char *bar = strchr(fp, '|');
            const char *bar2 = bar ? strchr(bar + 1, '|') : NULL;
            if (bar && bar2 && (size_t)(bar - fp) == strlen(ic->fp) &&
                memcmp(fp, ic->fp, (size_t)(bar - fp)) == 0) {
                int status = atoi(bar + 1);
                idem_reply(r, status > 0 ? status : 201, bar2 + 1, true);
            } else {
                reply_conflict(r, false);
            }
        } else {
            /* P|token|fp: in flight */
            const char *bar = len > 2 ? strchr(value + 2, '|') : NULL;
            reply_conflict(r, bar && strcmp(bar + 1, ic->fp) == 0);
        }
        free(value);
        return IDEM_REPLIED;
    }
    reply_conflict(r, true);
    return IDEM_REPLIED;
}

bool idem_answer_if_completed(http_request *r, cache *rc, db_conn *c, idem_ctx *ic)
{
    if (!ic->active)
        return false;
    if (answer_from_pg(r, rc, c, ic) != 0)
        return true; /* replayed, 0084, or the database error */
    idem_release(rc, ic);
    return false;
}

void idem_answer_winner(http_request *r, cache *rc, db_conn *c, idem_ctx *ic)
{
    int pg = answer_from_pg(r, rc, c, ic);
    if (pg == 0) {
        /* the winner's record expired or vanished between its commit and our read: be conservative */
        idem_release(rc, ic);
        reply_conflict(r, true);
    }
}
