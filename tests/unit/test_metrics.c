/* Unit tests of common/metrics: the request counter and latency histogram lines, HELP/TYPE headers,
 * label escaping, gauges and counters, and thread safety. Each Criterion test runs in its own process,
 * but route names are still unique per test so no test depends on another's observations. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"

static void expect_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    const char *p = text;
    while ((p = strstr(p, line)) != NULL) {
        bool starts = p == text || p[-1] == '\n';
        bool ends = p[n] == '\n';
        if (starts && ends)
            return;
        p++;
    }
    cr_expect_fail("line not found: %s\n--- in ---\n%s", line, text);
}

Test(metrics, counter_lines_after_observations)
{
    metrics_http_observe("GET", "/v1/organizations/{organization_id}", 200, 0.002);
    metrics_http_observe("GET", "/v1/organizations/{organization_id}", 200, 0.004);
    metrics_http_observe("GET", "/v1/organizations/{organization_id}", 404, 0.001);
    metrics_http_observe("POST", "unmatched", 404, 0.0001);
    char *text = metrics_render();
    expect_line(text, "# HELP http_requests_total HTTP requests served, by method, route template and status.");
    expect_line(text, "# TYPE http_requests_total counter");
    expect_line(text, "http_requests_total{method=\"GET\",route=\"/v1/organizations/{organization_id}\",status=\"200\"} 2");
    expect_line(text, "http_requests_total{method=\"GET\",route=\"/v1/organizations/{organization_id}\",status=\"404\"} 1");
    expect_line(text, "http_requests_total{method=\"POST\",route=\"unmatched\",status=\"404\"} 1");
    free(text);
}

Test(metrics, histogram_is_cumulative)
{
    metrics_http_observe("PATCH", "/h", 200, 0.003);   /* le 0.005 */
    metrics_http_observe("PATCH", "/h", 500, 0.2);     /* le 0.25 */
    metrics_http_observe("PATCH", "/h", 200, 0.001);   /* exactly on a bound: le 0.001 */
    metrics_http_observe("PATCH", "/h", 200, 42.0);    /* only +Inf */
    char *text = metrics_render();
    expect_line(text, "# TYPE http_request_duration_seconds histogram");
    static const struct {
        const char *le;
        int count;
    } want[] = {{"0.001", 1}, {"0.005", 2}, {"0.01", 2}, {"0.025", 2}, {"0.05", 2}, {"0.1", 2}, {"0.25", 3},
                {"0.5", 3},   {"1", 3},     {"2.5", 3},  {"5", 3},     {"10", 3},   {"+Inf", 4}};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        char line[160];
        snprintf(line, sizeof(line), "http_request_duration_seconds_bucket{method=\"PATCH\",route=\"/h\",le=\"%s\"} %d",
                 want[i].le, want[i].count);
        expect_line(text, line);
    }
    expect_line(text, "http_request_duration_seconds_count{method=\"PATCH\",route=\"/h\"} 4");
    expect_line(text, "http_request_duration_seconds_sum{method=\"PATCH\",route=\"/h\"} 42.204");
    free(text);
}

Test(metrics, label_values_escaped)
{
    metrics_http_observe("GET", "/a\"b\\c\nd", 200, 0.01);
    char *text = metrics_render();
    expect_line(text, "http_requests_total{method=\"GET\",route=\"/a\\\"b\\\\c\\nd\",status=\"200\"} 1");
    free(text);
}

Test(metrics, gauges_and_counters)
{
    metrics_gauge_set("outbox_lag_seconds", "Age of the oldest unpublished outbox row.", NULL, 3.5);
    metrics_gauge_set("outbox_lag_seconds", "ignored second help", NULL, 1.25);
    metrics_counter_add("events_published_total", "Events sent to Kafka.", "topic=\"a\"", 2);
    metrics_counter_add("events_published_total", NULL, "topic=\"a\"", 3);
    metrics_counter_add("events_published_total", NULL, "topic=\"b\"", 1);
    metrics_counter_add("events_published_total", NULL, "topic=\"b\"", -5); /* counters never go down */
    metrics_counter_add("outbox_lag_seconds", NULL, NULL, 1);                /* kind conflict: dropped */
    char *text = metrics_render();
    expect_line(text, "# HELP outbox_lag_seconds Age of the oldest unpublished outbox row.");
    expect_line(text, "# TYPE outbox_lag_seconds gauge");
    expect_line(text, "outbox_lag_seconds 1.25");
    expect_line(text, "# TYPE events_published_total counter");
    expect_line(text, "events_published_total{topic=\"a\"} 5");
    expect_line(text, "events_published_total{topic=\"b\"} 1");
    free(text);
}

Test(metrics, help_text_escaped)
{
    metrics_gauge_set("pool_in_use", "line one\nback\\slash", "pool=\"db\"", 7);
    char *text = metrics_render();
    expect_line(text, "# HELP pool_in_use line one\\nback\\\\slash");
    expect_line(text, "pool_in_use{pool=\"db\"} 7");
    free(text);
}

static void *observe_many(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++)
        metrics_http_observe("GET", "/threads", 200, 0.0005);
    return NULL;
}

Test(metrics, concurrent_observations_all_counted)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, observe_many, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    char *text = metrics_render();
    expect_line(text, "http_requests_total{method=\"GET\",route=\"/threads\",status=\"200\"} 4000");
    expect_line(text, "http_request_duration_seconds_bucket{method=\"GET\",route=\"/threads\",le=\"0.001\"} 4000");
    free(text);
}
