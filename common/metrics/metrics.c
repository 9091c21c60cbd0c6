/* Process-wide Prometheus registry behind one mutex: the HTTP request counter and latency histogram
 * keyed by method/route/status, plus named gauges and counters. It renders text format 0.0.4 and
 * knows nothing about who records what; it must never block on I/O while holding the lock. */
#include "metrics/metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#define METRICS_BUCKETS 13 /* 12 finite bounds + +Inf */
#define METRICS_HASH 256

static const double metrics_bounds[METRICS_BUCKETS - 1] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                           0.25,  0.5,   1,    2.5,   5,    10};
static const char *const metrics_bound_text[METRICS_BUCKETS] = {
    "0.001", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"};

/* http_requests_total{method,route,status} */
typedef struct http_count {
    struct http_count *next;      /* hash chain */
    struct http_count *order;     /* creation order, for stable output */
    char *method, *route;
    int status;
    uint64_t count;
} http_count;

/* http_request_duration_seconds{method,route} */
typedef struct http_hist {
    struct http_hist *next;
    struct http_hist *order;
    char *method, *route;
    uint64_t buckets[METRICS_BUCKETS]; /* per bucket, made cumulative when rendered */
    uint64_t count;
    double sum;
} http_hist;

typedef enum metric_kind { METRIC_GAUGE, METRIC_COUNTER } metric_kind;

typedef struct metric_series {
    struct metric_series *next;
    char *labels; /* "" when none */
    double value;
} metric_series;

typedef struct metric_family {
    struct metric_family *next;
    char *name;
    char *help;
    metric_kind kind;
    metric_series *series, *series_tail;
} metric_family;

static pthread_mutex_t metrics_lock = PTHREAD_MUTEX_INITIALIZER;
static http_count *count_table[METRICS_HASH];
static http_count *count_first, *count_last;
static http_hist *hist_table[METRICS_HASH];
static http_hist *hist_first, *hist_last;
static metric_family *families, *families_tail;

static unsigned metrics_hash(const char *a, const char *b, int c)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)a; *p; p++)
        h = (h ^ *p) * 16777619u;
    h = (h ^ 0xFF) * 16777619u;
    for (const unsigned char *p = (const unsigned char *)b; *p; p++)
        h = (h ^ *p) * 16777619u;
    h = (h ^ (uint32_t)c) * 16777619u;
    return h % METRICS_HASH;
}

void metrics_http_observe(const char *method, const char *route, int status, double seconds)
{
    if (!method)
        method = "";
    if (!route)
        route = "unmatched";
    if (!(seconds >= 0)) /* negative or NaN: a clock glitch must not poison the sum */
        seconds = 0;

    pthread_mutex_lock(&metrics_lock);
    unsigned hc = metrics_hash(method, route, status);
    http_count *c = count_table[hc];
    while (c && !(c->status == status && strcmp(c->method, method) == 0 && strcmp(c->route, route) == 0))
        c = c->next;
    if (!c) {
        c = xcalloc(1, sizeof(*c));
        c->method = xstrdup(method);
        c->route = xstrdup(route);
        c->status = status;
        c->next = count_table[hc];
        count_table[hc] = c;
        if (count_last)
            count_last->order = c;
        else
            count_first = c;
        count_last = c;
    }
    c->count++;

    unsigned hh = metrics_hash(method, route, 0);
    http_hist *h = hist_table[hh];
    while (h && !(strcmp(h->method, method) == 0 && strcmp(h->route, route) == 0))
        h = h->next;
    if (!h) {
        h = xcalloc(1, sizeof(*h));
        h->method = xstrdup(method);
        h->route = xstrdup(route);
        h->next = hist_table[hh];
        hist_table[hh] = h;
        if (hist_last)
            hist_last->order = h;
        else
            hist_first = h;
        hist_last = h;
    }
    size_t b = 0;
    while (b < METRICS_BUCKETS - 1 && seconds > metrics_bounds[b])
        b++;
    h->buckets[b]++;
    h->count++;
    h->sum += seconds;
    pthread_mutex_unlock(&metrics_lock);
}

/* Find or create a family; NULL when the name exists with the other kind (the update is dropped). */
static metric_family *metrics_family(const char *name, const char *help, metric_kind kind)
{
    metric_family *f = families;
    while (f && strcmp(f->name, name) != 0)
        f = f->next;
    if (f)
        return f->kind == kind ? f : NULL;
    f = xcalloc(1, sizeof(*f));
    f->name = xstrdup(name);
    f->help = xstrdup(help ? help : name);
    f->kind = kind;
    if (families_tail)
        families_tail->next = f;
    else
        families = f;
    families_tail = f;
    return f;
}

static metric_series *metrics_series(metric_family *f, const char *labels)
{
    if (!labels)
        labels = "";
    metric_series *s = f->series;
    while (s && strcmp(s->labels, labels) != 0)
        s = s->next;
    if (s)
        return s;
    s = xcalloc(1, sizeof(*s));
    s->labels = xstrdup(labels);
    if (f->series_tail)
        f->series_tail->next = s;
    else
        f->series = s;
    f->series_tail = s;
    return s;
}

void metrics_gauge_set(const char *name, const char *help, const char *labels, double value)
{
    if (!name || !name[0])
        return;
    pthread_mutex_lock(&metrics_lock);
    metric_family *f = metrics_family(name, help, METRIC_GAUGE);
    if (f)
        metrics_series(f, labels)->value = value;
    pthread_mutex_unlock(&metrics_lock);
}

void metrics_counter_add(const char *name, const char *help, const char *labels, double delta)
{
    if (!name || !name[0] || !(delta >= 0)) /* counters only go up */
        return;
    pthread_mutex_lock(&metrics_lock);
    metric_family *f = metrics_family(name, help, METRIC_COUNTER);
    if (f)
        metrics_series(f, labels)->value += delta;
    pthread_mutex_unlock(&metrics_lock);
}

/* Label value escaping of the text format: backslash, double quote and newline. */
static void metrics_label_value(strbuf *sb, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            strbuf_puts(sb, "\\\\");
        else if (*s == '"')
            strbuf_puts(sb, "\\\"");
        else if (*s == '\n')
            strbuf_puts(sb, "\\n");
        else
            strbuf_putc(sb, *s);
    }
}

/* HELP text escaping: backslash and newline. */
static void metrics_help_text(strbuf *sb, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            strbuf_puts(sb, "\\\\");
        else if (*s == '\n')
            strbuf_puts(sb, "\\n");
        else
            strbuf_putc(sb, *s);
    }
}

static void metrics_value(strbuf *sb, double v)
{
    if (isnan(v))
        strbuf_puts(sb, "NaN");
    else if (isinf(v))
        strbuf_puts(sb, v > 0 ? "+Inf" : "-Inf");
    else
        strbuf_printf(sb, "%.15g", v);
}

static void metrics_method_route(strbuf *sb, const char *method, const char *route)
{
    strbuf_puts(sb, "method=\"");
    metrics_label_value(sb, method);
    strbuf_puts(sb, "\",route=\"");
    metrics_label_value(sb, route);
    strbuf_putc(sb, '"');
}

static void metrics_render_http(strbuf *sb)
{
    strbuf_puts(sb, "# HELP http_requests_total HTTP requests served, by method, route template and status.\n"
                    "# TYPE http_requests_total counter\n");
    for (http_count *c = count_first; c; c = c->order) {
        strbuf_puts(sb, "http_requests_total{");
        metrics_method_route(sb, c->method, c->route);
        strbuf_printf(sb, ",status=\"%d\"} %llu\n", c->status, (unsigned long long)c->count);
    }
    strbuf_puts(sb, "# HELP http_request_duration_seconds Time from request received to reply sent.\n"
                    "# TYPE http_request_duration_seconds histogram\n");
    for (http_hist *h = hist_first; h; h = h->order) {
        uint64_t cumulative = 0;
        for (size_t b = 0; b < METRICS_BUCKETS; b++) {
            cumulative += h->buckets[b];
            strbuf_puts(sb, "http_request_duration_seconds_bucket{");
            metrics_method_route(sb, h->method, h->route);
            strbuf_printf(sb, ",le=\"%s\"} %llu\n", metrics_bound_text[b], (unsigned long long)cumulative);
        }
        strbuf_puts(sb, "http_request_duration_seconds_sum{");
        metrics_method_route(sb, h->method, h->route);
        strbuf_puts(sb, "} ");
        metrics_value(sb, h->sum);
        strbuf_puts(sb, "\nhttp_request_duration_seconds_count{");
        metrics_method_route(sb, h->method, h->route);
        strbuf_printf(sb, "} %llu\n", (unsigned long long)h->count);
    }
}

char *metrics_render(void)
{
    strbuf sb = {0};
    pthread_mutex_lock(&metrics_lock);
    metrics_render_http(&sb);
    for (metric_family *f = families; f; f = f->next) {
        strbuf_printf(&sb, "# HELP %s ", f->name);
        metrics_help_text(&sb, f->help);
        strbuf_printf(&sb, "\n# TYPE %s %s\n", f->name, f->kind == METRIC_GAUGE ? "gauge" : "counter");
        for (metric_series *s = f->series; s; s = s->next) {
            strbuf_puts(&sb, f->name);
            if (s->labels[0])
                strbuf_printf(&sb, "{%s}", s->labels);
            strbuf_putc(&sb, ' ');
            metrics_value(&sb, s->value);
            strbuf_putc(&sb, '\n');
        }
    }
    pthread_mutex_unlock(&metrics_lock);
    return strbuf_steal(&sb);
}
