/* Environment configuration: validates a binary's table once at start-up, prints "--help", and turns
 * any bad or missing value into one stderr line and exit status 2. It never prints a secret's value
 * and never reads anything but the environment and argv. */
#include "config/config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>
#include <libpq-fe.h>

#include "config/config_url.h"
#include "util/mem.h"

#define CONFIG_SHOW_MAX 64 /* longest piece of a bad value echoed in an error line */

/* Print "<prog>: <name>: <reason>" and exit 2. */
static void config_fail(const char *prog, const char *name, const char *fmt, ...) PRINTF_LIKE(3, 4)
    __attribute__((noreturn));
static void config_fail(const char *prog, const char *name, const char *fmt, ...)
{
    strbuf sb = {0};
    va_list ap;
    strbuf_printf(&sb, "%s: %s: ", prog, name);
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    strbuf_putc(&sb, '\n');
    fflush(stdout);
    fputs(sb.buf, stderr);
    fflush(stderr);
    strbuf_free(&sb);
    exit(2);
}

/* The value as shown in an error: quoted, non-printable bytes as \xNN, long values cut, so the error
 * stays one line whatever the environment holds. Secrets are never shown. Caller frees. */
static char *config_show(const config_var *v, const char *value)
{
    strbuf sb = {0};
    if (v->secret)
        return xstrdup("(secret value not shown)");
    strbuf_putc(&sb, '"');
    size_t n = strlen(value);
    for (size_t i = 0; i < n && i < CONFIG_SHOW_MAX; i++) {
        unsigned char c = (unsigned char)value[i];
        if (c == '"' || c == '\\')
            strbuf_printf(&sb, "\\%c", c);
        else if (c < 0x20 || c == 0x7F)
            strbuf_printf(&sb, "\\x%02x", c);
        else
            strbuf_putc(&sb, (char)c);
    }
    if (n > CONFIG_SHOW_MAX)
        strbuf_puts(&sb, "...");
    strbuf_putc(&sb, '"');
    return strbuf_steal(&sb);
}

/* Bounds of an int entry: min == max == 0 means "any int". */
static void config_int_bounds(const config_var *v, long *lo, long *hi)
{
    if (v->min == 0 && v->max == 0) {
        *lo = INT_MIN;
        *hi = INT_MAX;
        return;
    }
    *lo = v->min < INT_MIN ? INT_MIN : v->min;
    *hi = v->max > INT_MAX ? INT_MAX : v->max;
}

/* Strict decimal integer: ASCII digits only, no '+', no spaces, no leading zero ("0" itself is fine), and
 * a leading '-' only when allow_minus. 0 on success, -1 otherwise (also on overflow). */
static int config_parse_long(const char *s, bool allow_minus, long *out)
{
    const char *p = s;
    if (allow_minus && *p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return -1;
    if (p[0] == '0' && p[1] != '\0')
        return -1; /* "03001": octal to some tools, decimal to others; refuse rather than guess */
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return -1;
    errno = 0;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

/* libpq's own verdict on a connection string. The reason is copied (one line) into why, and is only
 * ever printed for non-secret entries: it may quote pieces of the value. 0 when accepted. */
static int config_check_conninfo(const char *value, char *why, size_t cap)
{
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(value, &err);

    why[0] = '\0';
    if (opts) {
        PQconninfoFree(opts);
        return 0;
    }
    snprintf(why, cap, "%s", err ? err : "not accepted by libpq");
    for (char *p = why; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = *(p + 1) ? ' ' : '\0';
    PQfreemem(err);
    return -1;
}

static int config_parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "1", "yes"};
    static const char *const no[] = {"false", "0", "no"};
    for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* A numeric address a socket can bind to: what inet_pton reads as IPv4 (dotted quad) or IPv6. Host
 * names are refused on purpose: a bind address that depends on name resolution could silently widen
 * (or move) what the process listens on. */
static bool config_ip_address_valid(const char *s)
{
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* True when value is exactly one of the '|'-separated choices. */
static bool config_enum_has(const char *choices, const char *value)
{
    size_t vlen = strlen(value);
    const char *p = choices ? choices : "";
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == vlen && strncmp(p, value, len) == 0)
            return true;
        if (!bar)
            break;
        p = bar + 1;
    }
    return false;
}

/* "a, b, c" from "a|b|c". Caller frees. */
static char *config_enum_list(const char *choices)
{
    strbuf sb = {0};
    for (const char *p = choices ? choices : ""; *p; p++) {
        if (*p == '|')
            strbuf_puts(&sb, ", ");
        else
            strbuf_putc(&sb, *p);
    }
    return strbuf_steal(&sb);
}

static void config_load_one(const char *prog, config_var *v)
{
    const char *value = getenv(v->name);
    if (!value || !value[0])
        value = v->def;
    if (!value || !value[0]) {
        if (!v->def)
            config_fail(prog, v->name, "required but not set");
        if (v->type == CFG_STRING) { /* an explicit "" default means "empty allowed" */
            *(const char **)v->target = "";
            return;
        }
    }

    switch (v->type) {
    case CFG_STRING:
        *(const char **)v->target = value;
        return;
    case CFG_INT: {
        long lo = 0, hi = 0, n = 0;
        config_int_bounds(v, &lo, &hi);
        if (config_parse_long(value, lo < 0, &n) < 0 || n < lo || n > hi) {
            char *shown = config_show(v, value);
            config_fail(prog, v->name, "must be an integer between %ld and %ld, got %s", lo, hi, shown);
        }
        *(int *)v->target = (int)n;
        return;
    }
    case CFG_BOOL: {
        bool b = false;
        if (config_parse_bool(value, &b) < 0) {
            char *shown = config_show(v, value);
            config_fail(prog, v->name, "must be one of true, false, 1, 0, yes, no, got %s", shown);
        }
        *(bool *)v->target = b;
        return;
    }
    case CFG_ENUM:
        if (!config_enum_has(v->choices, value)) {
            char *shown = config_show(v, value);
            char *list = config_enum_list(v->choices);
            config_fail(prog, v->name, "must be one of %s, got %s", list, shown); /* exits */
        }
        *(const char **)v->target = value;
        return;
    case CFG_HTTP_URL: {
        config_http_url url;
        const char *why = NULL;
        if (config_http_url_parse(value, &url, &why) < 0) {
            char *shown = config_show(v, value);
            config_fail(prog, v->name, "must be http://host:port (%s), got %s", why, shown);
        }
        *(const char **)v->target = value;
        return;
    }
    case CFG_HOST_PORTS: {
        const char *why = NULL;
        if (config_host_port_list_check(value, &why) < 0) {
            char *shown = config_show(v, value);
            config_fail(prog, v->name, "must be host:port[,host:port...] (%s), got %s", why, shown);
        }
        *(const char **)v->target = value;
        return;
    }
    case CFG_PG_CONNINFO: {
        char why[256];
        if (config_check_conninfo(value, why, sizeof(why)) < 0) {
            if (v->secret)
                config_fail(
                    prog, v->name,
                    "is not a PostgreSQL connection URI or key=value string (secret value not shown)");
            char *shown = config_show(v, value);
            config_fail(prog, v->name, "is not a PostgreSQL connection URI or key=value string (%s), got %s",
                        why, shown);
        }
        *(const char **)v->target = value;
        return;
    }
    case CFG_IP_ADDRESS:
        if (!config_ip_address_valid(value)) {
            char *shown = config_show(v, value);
            config_fail(prog, v->name, "must be a numeric IPv4 or IPv6 address (e.g. 0.0.0.0, ::), got %s",
                        shown);
        }
        *(const char **)v->target = value;
        return;
    }
}

void config_load(const char *prog, config_var *table, size_t count, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            config_print_help(prog, table, count);
            fflush(stdout);
            exit(0);
        }
        config_fail(prog, argv[i], "unknown argument (configuration comes from the environment; see --help)");
    }
    for (size_t i = 0; i < count; i++)
        config_load_one(prog, &table[i]);
}

static const char *config_type_name(config_type t)
{
    switch (t) {
    case CFG_STRING:
        return "string";
    case CFG_INT:
        return "int";
    case CFG_BOOL:
        return "bool";
    case CFG_ENUM:
        return "enum";
    case CFG_HTTP_URL:
        return "http-url";
    case CFG_HOST_PORTS:
        return "host:port,...";
    case CFG_PG_CONNINFO:
        return "pg-conninfo";
    case CFG_IP_ADDRESS:
        return "ip-address";
    }
    return "?";
}

void config_print_help(const char *prog, const config_var *table, size_t count)
{
    printf("Usage: %s [--help]\n", prog);
    printf("All configuration is read from these environment variables:\n\n");
    printf("  %-24s %-14s %-28s %s\n", "NAME", "TYPE", "DEFAULT", "DESCRIPTION");
    for (size_t i = 0; i < count; i++) {
        const config_var *v = &table[i];
        char type[64];
        char def[128];
        char *extra = NULL;

        snprintf(type, sizeof(type), "%s", config_type_name(v->type));
        if (v->type == CFG_INT) {
            long lo = 0, hi = 0;
            config_int_bounds(v, &lo, &hi);
            extra = xasprintf(" (%ld..%ld)", lo, hi);
        } else if (v->type == CFG_ENUM) {
            extra = xasprintf(" (%s)", v->choices ? v->choices : "");
        }
        if (!v->def)
            snprintf(def, sizeof(def), "%s", v->secret ? "(required, secret)" : "(required)");
        else if (v->secret)
            snprintf(def, sizeof(def), "(secret)");
        else if (!v->def[0])
            snprintf(def, sizeof(def), "\"\"");
        else
            snprintf(def, sizeof(def), "%s", v->def);
        printf("  %-24s %-14s %-28s %s%s\n", v->name, type, def, v->help ? v->help : "", extra ? extra : "");
        free(extra);
    }
}
