/* JSON-lines logger: one object per line on stderr, written with a single write() so lines from
 * different threads never interleave. It formats and escapes only; it must not allocate on the
 * caller's behalf beyond one temporary buffer, and it never decides what is secret (callers do). */
#include "log/log.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define LOG_SERVICE_MAX 64
#define LOG_REQUEST_ID_MAX 128 /* same bound as REQUEST_ID_MAX in http.h */

static char log_service[LOG_SERVICE_MAX] = "midaz";
static atomic_int log_min_level = LOG_INFO;
static _Thread_local char log_request_id[LOG_REQUEST_ID_MAX + 1];

static const char *log_level_name(log_level level)
{
    switch (level) {
    case LOG_DEBUG:
        return "debug";
    case LOG_INFO:
        return "info";
    case LOG_WARN:
        return "warn";
    case LOG_ERROR:
        return "error";
    }
    return "info";
}

void log_init(const char *service, const char *level)
{
    if (service && service[0])
        snprintf(log_service, sizeof(log_service), "%s", service);
    log_level lv = LOG_INFO;
    if (level) {
        if (strcasecmp(level, "debug") == 0)
            lv = LOG_DEBUG;
        else if (strcasecmp(level, "warn") == 0 || strcasecmp(level, "warning") == 0)
            lv = LOG_WARN;
        else if (strcasecmp(level, "error") == 0)
            lv = LOG_ERROR;
    }
    log_set_level(lv);
}

void log_set_level(log_level level)
{
    atomic_store(&log_min_level, (int)level);
}

void log_set_request_id(const char *request_id)
{
    if (!request_id) {
        log_request_id[0] = '\0';
        return;
    }
    snprintf(log_request_id, sizeof(log_request_id), "%s", request_id);
}

/* Length of the valid UTF-8 sequence starting at s (at most n bytes available), 0 when invalid.
 * Overlong forms, surrogates and code points above U+10FFFF are invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* Append s as the body of a JSON string: quotes, backslashes and control characters escaped,
 * invalid UTF-8 bytes replaced by U+FFFD so the line always stays valid JSON. */
static void log_json_escape(strbuf *sb, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c == '"') {
            strbuf_puts(sb, "\\\"");
        } else if (c == '\\') {
            strbuf_puts(sb, "\\\\");
        } else if (c == '\n') {
            strbuf_puts(sb, "\\n");
        } else if (c == '\r') {
            strbuf_puts(sb, "\\r");
        } else if (c == '\t') {
            strbuf_puts(sb, "\\t");
        } else if (c < 0x20 || c == 0x7F) {
            strbuf_printf(sb, "\\u%04x", c);
        } else if (c < 0x80) {
            strbuf_putc(sb, (char)c);
        } else {
            size_t len = utf8_seq_len(p + i, n - i);
            if (len == 0) {
                strbuf_puts(sb, "\\ufffd");
                i++;
                continue;
            }
            strbuf_append(sb, (const char *)p + i, len);
            i += len;
            continue;
        }
        i++;
    }
}

/* RFC 3339 UTC with microseconds: 2025-03-10T14:22:05.481237Z */
static void log_format_time(char *out, size_t cap)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, cap - n, ".%06ldZ", (long)(ts.tv_nsec / 1000));
}

/* One write() per line; partial writes (a full pipe) are continued, EINTR retried. A logger has
 * nowhere to report its own failure, so other errors drop the line. */
static void log_write_all(const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(STDERR_FILENO, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        buf += n;
        len -= (size_t)n;
    }
}

void log_vmsg(log_level level, const char *fmt, va_list ap)
{
    if ((int)level < atomic_load(&log_min_level))
        return;
    int saved_errno = errno; /* callers often log right before inspecting errno */
    strbuf msg = {0};
    strbuf line = {0};
    char now[40];

    strbuf_vprintf(&msg, fmt, ap);
    log_format_time(now, sizeof(now));
    strbuf_printf(&line, "{\"time\":\"%s\",\"level\":\"%s\",\"service\":\"", now, log_level_name(level));
    log_json_escape(&line, log_service);
    strbuf_puts(&line, "\"");
    if (log_request_id[0]) {
        strbuf_puts(&line, ",\"request_id\":\"");
        log_json_escape(&line, log_request_id);
        strbuf_puts(&line, "\"");
    }
    strbuf_puts(&line, ",\"message\":\"");
    log_json_escape(&line, msg.buf ? msg.buf : "");
    strbuf_puts(&line, "\"}\n");
    log_write_all(line.buf, line.len);
    strbuf_free(&msg);
    strbuf_free(&line);
    errno = saved_errno;
}

void log_msg(log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, fmt, ap);
    va_end(ap);
}
