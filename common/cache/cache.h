/* Redis through hiredis with connect and command timeouts. While Redis is down every call fails fast
 * (reconnects are attempted at most once per second) so callers keep working, slower, from PostgreSQL.
 * One cache per thread: a cache is not thread-safe. */
#pragma once
#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct cache cache;

/* url: redis://[:password@]host:port[/db]. Does not fail when Redis is down (connects lazily). NULL only
 * for a malformed URL. */
cache *cache_new(const char *url, int timeout_ms);
void cache_free(cache *c);

/* Run a command (hiredis printf format). NULL when Redis is unavailable or the command failed at the
 * connection level; otherwise the reply (caller calls freeReplyObject), which may be an error reply. */
redisReply *cache_command(cache *c, const char *fmt, ...);
redisReply *cache_command_argv(cache *c, int argc, const char **argv, const size_t *argvlen);

/* Small helpers; each returns -1 when Redis is unavailable. */
int cache_get(cache *c, const char *key, char **value, size_t *len); /* 1 found (caller frees), 0 miss */
int cache_set(cache *c, const char *key, const char *value, size_t len, int ttl_seconds);
int cache_set_nx(cache *c, const char *key, const char *value, size_t len, int ttl_ms); /* 1 set, 0 exists */
int cache_del(cache *c, const char *key);
int cache_ping(cache *c, int *latency_ms);
bool cache_available(cache *c);
/* Short reason of the last failure ("connection refused"), without hosts or credentials. */
const char *cache_last_error(const cache *c);
