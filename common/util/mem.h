/* Allocation helpers, a growable string buffer and a request-scoped arena.
 * Out-of-memory is handled here and only here: x* functions log and abort, callers never check. */
#pragma once
#include <stdarg.h>
#include <stddef.h>

#define MUSTCHECK __attribute__((warn_unused_result))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Never return NULL: abort the process on exhaustion. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new heap string (caller frees). */
char *xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Growable NUL-terminated byte buffer. Zero-initialise ({0}) or strbuf_init; free with strbuf_free. */
typedef struct strbuf {
    char *buf;
    size_t len;
    size_t cap;
} strbuf;

void strbuf_init(strbuf *sb);
void strbuf_free(strbuf *sb);
void strbuf_reset(strbuf *sb);
void strbuf_append(strbuf *sb, const char *data, size_t n);
void strbuf_puts(strbuf *sb, const char *s);
void strbuf_putc(strbuf *sb, char c);
void strbuf_printf(strbuf *sb, const char *fmt, ...) PRINTF_LIKE(2, 3);
void strbuf_vprintf(strbuf *sb, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);
/* Hand the buffer to the caller (who frees it) and reset sb. Never NULL. */
char *strbuf_steal(strbuf *sb);

/* Arena: many small allocations released together by arena_free (NULL accepted). */
typedef struct arena arena;
arena *arena_new(void);
void arena_free(arena *a);
void *arena_alloc(arena *a, size_t n);      /* zeroed, 16-byte aligned */
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) PRINTF_LIKE(2, 3);
