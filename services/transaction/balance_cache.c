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

#define BALANCE_CACHE_TTL_S "300"

/* Entries are "<run_id>:<version>:<updatedAt us>:<json | ->". The Redis run_id changes on every server
 * start, so an entry restored from a snapshot after a restart (possibly older than writes that failed
 * while Redis was down) is never served: the reader drops it. */
static const char cas_script[] =
    "local run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)') "
    "local cur = redis.call('GET', KEYS[1]) "
    "if cur then "
    "  local r, v, u = string.match(cur, '^(%x+):(%d+):(%d+):') "
    "  v = tonumber(v) u = tonumber(u) "
    "  local nv = tonumber(ARGV[1]) local nu = tonumber(ARGV[2]) "
    "  if r == run and v and u and (v > nv or (v == nv and u > nu)) then return 0 end "
    "end "
    "redis.call('SET', KEYS[1], run .. ':' .. ARGV[1] .. ':' .. ARGV[2] .. ':' .. ARGV[3], 'EX', ARGV[4]) "
    "return 1";

static const char get_script[] = "local cur = redis.call('GET', KEYS[1]) "
                                 "if not cur then return false end "
                                 "local run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)') "
                                 "local r, body = string.match(cur, '^(%x+):%d+:%d+:(.*)$') "
                                 "if r ~= run then redis.call('DEL', KEYS[1]) return false end "
                                 "return body";

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
    char *out = NULL;
    if (!c)
        return NULL;
    cache_key(key, sizeof(key), balance_id);
    const char *argv[] = {"EVAL", get_script, "1", key};
    size_t lens[] = {4, strlen(get_script), 1, strlen(key)};
    redisReply *rep = cache_command_argv(c, 4, argv, lens);
    if (rep && rep->type == REDIS_REPLY_STRING && rep->len > 0 && rep->str[0] == '{')
        out = xstrndup(rep->str, rep->len);
    if (rep)
        freeReplyObject(rep);
    return out;
}
