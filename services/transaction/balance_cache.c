/* Version-checked balance entries in Redis: "<version>:<updatedAt us>:<json | ->". A Lua script makes the
 * compare-and-set atomic; a failed write deletes the entry so a stale one is never left behind. Redis is
 * never the truth: any miss or error sends the reader to PostgreSQL. */
#include "balance_cache.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "txn_render.h"

#define BALANCE_CACHE_TTL_S "600"

static const char cas_script[] =
    "local cur = redis.call('GET', KEYS[1]) "
    "if cur then "
    "  local v, u = string.match(cur, '^(%d+):(%d+):') "
    "  v = tonumber(v) u = tonumber(u) "
    "  local nv = tonumber(ARGV[1]) local nu = tonumber(ARGV[2]) "
    "  if v and u and (v > nv or (v == nv and u > nu)) then return 0 end "
    "end "
    "redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2] .. ':' .. ARGV[3], 'EX', ARGV[4]) "
    "return 1";

static void cache_key(char *out, size_t cap, const char *id)
{
    snprintf(out, cap, "midaz:tx:balance:%s", id);
}

static void cas_write(cache *c, const balance_row *b, const char *payload)
{
    char key[96], ver[24], upd[24];
    if (!c)
        return;
    cache_key(key, sizeof(key), b->id);
    snprintf(ver, sizeof(ver), "%" PRId64, b->st.version);
    snprintf(upd, sizeof(upd), "%" PRId64, b->deleted_us >= 0 ? b->deleted_us : b->updated_us);
    const char *argv[] = {"EVAL", cas_script, "1", key, ver, upd, payload, BALANCE_CACHE_TTL_S};
    size_t lens[8];
    for (size_t i = 0; i < 8; i++)
        lens[i] = strlen(argv[i]);
    redisReply *rep = cache_command_argv(c, 8, argv, lens);
    bool ok = rep && rep->type == REDIS_REPLY_INTEGER;
    if (rep)
        freeReplyObject(rep);
    if (!ok)
        (void)cache_del(c, key);
}

void balance_cache_put(cache *c, const balance_row *b)
{
    json_object *o = txn_render_balance(b);
    cas_write(c, b, json_dump(o));
    json_object_put(o);
}

void balance_cache_tombstone(cache *c, const balance_row *b)
{
    cas_write(c, b, "-");
}

char *balance_cache_get(cache *c, const char *balance_id)
{
    char key[96];
    char *value = NULL;
    size_t len = 0;
    char *out = NULL;
    if (!c)
        return NULL;
    cache_key(key, sizeof(key), balance_id);
    if (cache_get(c, key, &value, &len) != 1)
        return NULL;
    /* skip "<version>:<updated>:" */
    char *p = strchr(value, ':');
    p = p ? strchr(p + 1, ':') : NULL;
    if (p && p[1] == '{')
        out = xstrdup(p + 1);
    free(value);
    return out;
}
