/* Configuration from the environment only, through one table per binary. config_load validates every
 * entry at start: a bad or missing value prints one line "<prog>: <NAME>: <reason>" to stderr and exits 2;
 * "--help" prints the table (name, type, default, bounds, description; secrets shown as such) and exits 0. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

typedef enum config_type {
    CFG_STRING,      /* target: const char ** (points into the environment or the default) */
    CFG_INT,         /* target: int *, checked against [min, max]; min == max == 0: any int. Only ASCII
                      * digits: no '+', no spaces, no leading zero ("0" itself is fine); a '-' only where
                      * the lower bound is negative */
    CFG_BOOL,        /* target: bool *; true/false/1/0/yes/no */
    CFG_ENUM,        /* target: const char **; value must be one of `choices` ("a|b|c") */
    CFG_HTTP_URL,    /* target: const char **; exactly http://host:port, optional trailing "/"
                      * (config_http_url_parse in config_url.h) */
    CFG_HOST_PORTS,  /* target: const char **; host:port[,host:port...] (config_host_port_list_check) */
    CFG_PG_CONNINFO, /* target: const char **; a PostgreSQL URI or key=value string that libpq's
                      * PQconninfoParse accepts (libpq's reason is shown only for non-secret entries) */
    CFG_IP_ADDRESS   /* target: const char **; a numeric IPv4 or IPv6 address as inet_pton reads it
                      * ("0.0.0.0", "127.0.0.1", "::", "::1"): no host name, no brackets, no zone */
} config_type;

typedef struct config_var {
    const char *name; /* environment variable */
    config_type type;
    const char *def;     /* default text; NULL = required (unset or empty is an error) */
    long min, max;       /* CFG_INT bounds */
    const char *choices; /* CFG_ENUM */
    bool secret;         /* never printed (help shows "(secret)") */
    const char *help;
    void *target;
} config_var;

/* Load and validate every entry; exits on --help or error (see above). Unknown arguments are an error. */
void config_load(const char *prog, config_var *table, size_t count, int argc, char **argv);
/* Print the table (used by --help). */
void config_print_help(const char *prog, const config_var *table, size_t count);
