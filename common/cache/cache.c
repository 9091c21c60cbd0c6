/* Redis client wrapper: lazy connection with connect/command timeouts, AUTH and SELECT from the URL, and a
 * one-second reconnect hold-off so that a down Redis costs callers microseconds, not timeouts.
 * Must not retry commands (callers fall back to PostgreSQL) and must never report hosts or passwords. */
#include "cache/cache.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log/log.h"
#include "util/mem.h"

#define CACHE_RECONNECT_HOLD_US 1000000

struct cache {
    redisContext *ctx;
    char *host;
    int port;
    char *user;     /* ACL user, NULL for the legacy AUTH <password> */
    char *password; /* NULL: no AUTH */
    int db;
    int timeout_ms;
    int64_t retry_at_us; /* monotonic; no connection attempt before this */
    char err[64];
};

static int64_t cache_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int parse_int(const char *s, size_t n, long min, long max, int *out)
{
    long v = 0;
    size_t i = 0;

    if (n == 0 || n > 9)
        return -1;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    if (v < min || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

/* redis://[[user]:password@]host[:port][/db]; 0 or -1 when malformed. */
static int cache_parse_url(cache *c, const char *url)
{
    const char *p = NULL;
    const char *at = NULL;
    const char *hend = NULL;
    const char *end = NULL;
    const char *slash = NULL;
    const char *colon = NULL;

    if (strncmp(url, "redis://", 8) != 0)
        return -1;
    p = url + 8;
    end = p + strlen(p);
    slash = strchr(p, '/');
    at = memchr(p, '@', (size_t)((slash ? slash : end) - p));
    if (at) {
        colon = memchr(p, ':', (size_t)(at - p));
        if (colon) {
            if (colon > p)
                c->user = xstrndup(p, (size_t)(colon - p));
            c->password = xstrndup(colon + 1, (size_t)(at - colon - 1));
        } else {
            c->password = xstrndup(p, (size_t)(at - p));
        }
        p = at + 1;
    }
    hend = slash ? slash : end;
    if (*p == '[') { /* [v6]:port */
        const char *rb = memchr(p, ']', (size_t)(hend - p));
        if (!rb || rb == p + 1)
            return -1;
        c->host = xstrndup(p + 1, (size_t)(rb - p - 1));
        colon = rb + 1 < hend && rb[1] == ':' ? rb + 1 : NULL;
        if (!colon && rb + 1 != hend)
            return -1;
    } else {
        colon = memchr(p, ':', (size_t)(hend - p));
        if ((colon ? colon : hend) == p)
            return -1;
        c->host = xstrndup(p, (size_t)((colon ? colon : hend) - p));
    }
    c->port = 6379;
    if (colon && parse_int(colon + 1, (size_t)(hend - colon - 1), 1, 65535, &c->port) < 0)
        return -1;
    c->db = 0;
    if (slash && slash[1] != '\0' && parse_int(slash + 1, strlen(slash + 1), 0, 100000, &c->db) < 0)
        return -1;
    return 0;
}

cache *cache_new(const char *url, int timeout_ms)
{
    cache *c = NULL;

    if (!url)
        return NULL;
    c = xcalloc(1, sizeof(*c));
    c->timeout_ms = timeout_ms > 0 ? timeout_ms : 200;
    if (cache_parse_url(c, url) < 0) {
        cache_free(c);
        return NULL;
    }
    return c;
}

void cache_free(cache *c)
{
    if (!c)
        return;
    if (c->ctx)
        redisFree(c->ctx);
    free(c->host);
    free(c->user);
    free(c->password);
    free(c);
}

/* A short reason from a hiredis error, never carrying the host (hiredis puts it in resolve errors). */
static void cache_set_reason(cache *c, int err, const char *errstr)
{
    const char *s = errstr ? errstr : "";

    if (strncmp(s, "Can't resolve", 13) == 0)
        snprintf(c->err, sizeof(c->err), "cannot resolve host");
    else if (strstr(s, "timed out") || strstr(s, "temporarily unavailable") || strstr(s, "in progress"))
        snprintf(c->err, sizeof(c->err), "timeout");
    else if (strstr(s, "refused"))
        snprintf(c->err, sizeof(c->err), "connection refused");
    else if (err == REDIS_ERR_EOF || strstr(s, "closed"))
        snprintf(c->err, sizeof(c->err), "connection closed");
    else if (err == REDIS_ERR_PROTOCOL)
        snprintf(c->err, sizeof(c->err), "protocol error");
    else if (err == REDIS_ERR_OOM)
        snprintf(c->err, sizeof(c->err), "out of memory");
    else if (err == REDIS_ERR_IO && !strchr(s, ':') && *s)
        snprintf(c->err, sizeof(c->err), "%s", s); /* strerror text */
    else
        snprintf(c->err, sizeof(c->err), "connection error");
}

/* Drop the connection and hold off reconnects for a second. */
static void cache_mark_down(cache *c)
{
    if (c->ctx) {
        redisFree(c->ctx);
        c->ctx = NULL;
    }
    c->retry_at_us = cache_mono_us() + CACHE_RECONNECT_HOLD_US;
}

/* Run a setup command on a fresh connection; 0 when it returned no error. */
static int cache_setup_cmd(cache *c, int argc, const char **argv, const char *what)
{
    redisReply *r = redisCommandArgv(c->ctx, argc, argv, NULL);
    int rc = -1;

    if (!r) {
        cache_set_reason(c, c->ctx->err, c->ctx->errstr);
        return -1;
    }
    if (r->type == REDIS_REPLY_ERROR)
        snprintf(c->err, sizeof(c->err), "%s failed", what);
    else
        rc = 0;
    freeReplyObject(r);
    return rc;
}

/* Make sure a connection exists; -1 (fast) during the hold-off or when connecting fails. */
static int cache_connect(cache *c)
{
    struct timeval tv;
    char dbtext[16];

    if (c->ctx)
        return 0;
    if (cache_mono_us() < c->retry_at_us)
        return -1;
    tv.tv_sec = c->timeout_ms / 1000;
    tv.tv_usec = (c->timeout_ms % 1000) * 1000;
    c->ctx = redisConnectWithTimeout(c->host, c->port, tv);
    if (!c->ctx) {
        snprintf(c->err, sizeof(c->err), "out of memory");
        goto failed;
    }
    if (c->ctx->err) {
        cache_set_reason(c, c->ctx->err, c->ctx->errstr);
        goto failed;
    }
    if (redisSetTimeout(c->ctx, tv) != REDIS_OK) {
        snprintf(c->err, sizeof(c->err), "cannot set timeout");
        goto failed;
    }
    (void)redisEnableKeepAlive(c->ctx);
    if (c->password) {
        const char *argv[3] = {"AUTH", c->user ? c->user : c->password, c->password};
        if (cache_setup_cmd(c, c->user ? 3 : 2, argv, "auth") < 0)
            goto failed;
    }
    if (c->db != 0) {
        const char *argv[2] = {"SELECT", dbtext};
        snprintf(dbtext, sizeof(dbtext), "%d", c->db);
        if (cache_setup_cmd(c, 2, argv, "select") < 0)
            goto failed;
    }
    c->err[0] = '\0';
    log_debug("cache: connected");
    return 0;
failed:
    log_debug("cache: connect failed: %s", c->err);
    cache_mark_down(c);
    return -1;
}

/* After a NULL reply the context is unusable (hiredis sets ctx->err): record why and drop it. */
static void cache_command_failed(cache *c)
{
    cache_set_reason(c, c->ctx ? c->ctx->err : REDIS_ERR_OTHER, c->ctx ? c->ctx->errstr : NULL);
    log_debug("cache: command failed: %s", c->err);
    cache_mark_down(c);
}

redisReply *cache_command(cache *c, const char *fmt, ...)
{
    va_list ap;
    redisReply *r = NULL;

    if (!c || cache_connect(c) < 0)
        return NULL;
    va_start(ap, fmt);
    r = redisvCommand(c->ctx, fmt, ap);
    va_end(ap);
    if (!r)
        cache_command_failed(c);
    return r;
}

redisReply *cache_command_argv(cache *c, int argc, const char **argv, const size_t *argvlen)
{
    redisReply *r = NULL;

    if (!c || cache_connect(c) < 0)
        return NULL;
    r = redisCommandArgv(c->ctx, argc, argv, argvlen);
    if (!r)
        cache_command_failed(c);
    return r;
}

int cache_get(cache *c, const char *key, char **value, size_t *len)
{
    const char *argv[2] = {"GET", key};
    redisReply *r = cache_command_argv(c, 2, argv, NULL);
    int rc = -1;

    if (value)
        *value = NULL;
    if (len)
        *len = 0;
    if (!r)
        return -1;
    if (r->type == REDIS_REPLY_NIL) {
        rc = 0;
    } else if (r->type == REDIS_REPLY_STRING) {
        if (value) {
            *value = xmalloc(r->len + 1);
            memcpy(*value, r->str, r->len);
            (*value)[r->len] = '\0';
        }
        if (len)
            *len = r->len;
        rc = 1;
    }
    freeReplyObject(r);
    return rc;
}

static int reply_is_ok(const redisReply *r)
{
    return r && r->type == REDIS_REPLY_STATUS && r->len == 2 && strncasecmp(r->str, "OK", 2) == 0;
}

int cache_set(cache *c, const char *key, const char *value, size_t len, int ttl_seconds)
{
    char ttl[24];
    const char *argv[5] = {"SET", key, value, "EX", ttl};
    size_t argvlen[5] = {3, strlen(key), len, 2, 0};
    redisReply *r = NULL;
    int rc = -1;

    argvlen[4] = (size_t)snprintf(ttl, sizeof(ttl), "%d", ttl_seconds);
    r = cache_command_argv(c, ttl_seconds > 0 ? 5 : 3, argv, argvlen);
    if (reply_is_ok(r))
        rc = 0;
    if (r)
        freeReplyObject(r);
    return rc;
}

int cache_set_nx(cache *c, const char *key, const char *value, size_t len, int ttl_ms)
{
    char ttl[24];
    const char *argv[6] = {"SET", key, value, "NX", "PX", ttl};
    size_t argvlen[6] = {3, strlen(key), len, 2, 2, 0};
    redisReply *r = NULL;
    int rc = -1;

    argvlen[5] = (size_t)snprintf(ttl, sizeof(ttl), "%d", ttl_ms > 0 ? ttl_ms : 1);
    r = cache_command_argv(c, 6, argv, argvlen);
    if (!r)
        return -1;
    if (reply_is_ok(r))
        rc = 1;
    else if (r->type == REDIS_REPLY_NIL)
        rc = 0;
    freeReplyObject(r);
    return rc;
}

int cache_del(cache *c, const char *key)
{
    const char *argv[2] = {"DEL", key};
    redisReply *r = cache_command_argv(c, 2, argv, NULL);
    int rc = -1;

    if (r && r->type == REDIS_REPLY_INTEGER)
        rc = 0;
    if (r)
        freeReplyObject(r);
    return rc;
}

int cache_ping(cache *c, int *latency_ms)
{
    int64_t t0 = cache_mono_us();
    const char *argv[1] = {"PING"};
    redisReply *r = NULL;
    int rc = -1;

    if (latency_ms)
        *latency_ms = -1;
    r = cache_command_argv(c, 1, argv, NULL);
    if (r && r->type == REDIS_REPLY_STATUS) {
        rc = 0;
        if (latency_ms)
            *latency_ms = (int)((cache_mono_us() - t0 + 999) / 1000);
    } else if (r && r->type == REDIS_REPLY_ERROR && c) {
        snprintf(c->err, sizeof(c->err), "ping failed");
    }
    if (r)
        freeReplyObject(r);
    return rc;
}

bool cache_available(cache *c)
{
    return c && cache_connect(c) == 0;
}

const char *cache_last_error(const cache *c)
{
    return c ? c->err : "no cache";
}
