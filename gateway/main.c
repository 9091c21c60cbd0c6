/* midaz-gateway: the public entry point. Reads its configuration, builds the server route table from
 * gw_routes (upstream rows -> proxy, local rows -> their handlers), runs the workers until SIGTERM/SIGINT
 * and drains. Thin on purpose: routing is gw_routes.c, forwarding proxy.c/upstream.c. */
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "config/config.h"
#include "config/config_url.h"
#include "docs.h"
#include "gw_routes.h"
#include "health/health.h"
#include "http/http.h"
#include "log/log.h"
#include "proxy.h"
#include "readyz.h"
#include "upstream.h"

#define GATEWAY_PROG "midaz-gateway"

typedef struct gateway_config {
    int port;
    const char *bind_address;
    int workers;
    const char *urls[GW_UPSTREAM_COUNT];
    int upstream_timeout_ms;
    int readyz_timeout_ms;
    int pool_size;
    int shutdown_grace_ms;
    const char *log_level;
    auth_config auth;
} gateway_config;

static _Atomic(http_server *) gateway_server;
static volatile sig_atomic_t gateway_stop_requested; /* a signal before the server existed */

static void gateway_on_signal(int sig)
{
    (void)sig;
    gateway_stop_requested = 1;
    http_server *s = atomic_load(&gateway_server);
    if (s != NULL)
        http_server_stop(s); /* async-signal-safe: an atomic store and a pipe write */
}

static int gateway_install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = gateway_on_signal;
    if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0)
        return -1;
    sa.sa_handler = SIG_IGN;
    return sigaction(SIGPIPE, &sa, NULL);
}

/* One upstream client per worker, on that worker's loop. */
static void *gateway_worker_init(int index, struct event_base *base, void *arg)
{
    (void)index;
    return upstream_client_new(base, arg);
}

static void gateway_worker_free(void *data)
{
    upstream_client_free(data);
}

static http_handler_fn gateway_local_handler(gw_local endpoint)
{
    switch (endpoint) {
    case GW_LOCAL_HEALTH:
        return health_handle_health;
    case GW_LOCAL_READYZ:
        return readyz_handle;
    case GW_LOCAL_VERSION:
        return health_handle_version;
    case GW_LOCAL_METRICS:
        return health_handle_metrics;
    case GW_LOCAL_OPENAPI:
        return docs_handle_openapi;
    case GW_LOCAL_DOCS:
        return docs_handle_page;
    }
    return NULL;
}

/* The server's rows mirror gw_routes one for one; each http_route keeps the gw_target as its data so
 * the proxy knows the owner. Both arrays are owned by the caller and outlive the server. */
static void gateway_build_routes(route_def *rows, http_route *handlers)
{
    for (size_t i = 0; i < gw_routes_count; i++) {
        const gw_target *t = gw_route_target(&gw_routes[i]);
        handlers[i].fn = t->local ? gateway_local_handler(t->endpoint) : proxy_handle;
        handlers[i].data = t;
        rows[i].methods = gw_routes[i].methods;
        rows[i].tmpl = gw_routes[i].tmpl;
        rows[i].data = &handlers[i];
    }
}

int main(int argc, char **argv)
{
    gateway_config cfg;
    upstream_settings settings;
    route_def *rows = NULL;
    http_route *handlers = NULL;
    http_server *srv = NULL;
    int rc = 1;
    static const char *const url_names[GW_UPSTREAM_COUNT] = {"ONBOARDING_URL", "PORTFOLIO_URL",
                                                             "TRANSACTION_URL"};
    config_var table[] = {
        {"PORT", CFG_INT, "3000", 1, 65535, NULL, false, "HTTP listening port (the only public port)",
         &cfg.port},
        {"BIND_ADDRESS", CFG_IP_ADDRESS, "0.0.0.0", 0, 0, NULL, false,
         "address the HTTP port listens on (127.0.0.1: this host only; :: for IPv6)", &cfg.bind_address},
        {"WORKERS", CFG_INT, "2", 1, 256, NULL, false, "worker threads, one event loop each", &cfg.workers},
        {"ONBOARDING_URL", CFG_HTTP_URL, "http://127.0.0.1:3001", 0, 0, NULL, false,
         "onboarding service, http://host:port", &cfg.urls[GW_ONBOARDING]},
        {"PORTFOLIO_URL", CFG_HTTP_URL, "http://127.0.0.1:3002", 0, 0, NULL, false,
         "portfolio service, http://host:port", &cfg.urls[GW_PORTFOLIO]},
        {"TRANSACTION_URL", CFG_HTTP_URL, "http://127.0.0.1:3003", 0, 0, NULL, false,
         "transaction service, http://host:port", &cfg.urls[GW_TRANSACTION]},
        {"UPSTREAM_TIMEOUT_MS", CFG_INT, "30000", 1, 600000, NULL, false,
         "time an upstream gets to answer completely before 504 0902", &cfg.upstream_timeout_ms},
        {"READYZ_TIMEOUT_MS", CFG_INT, "2000", 1, 60000, NULL, false, "timeout of each /readyz probe",
         &cfg.readyz_timeout_ms},
        {"UPSTREAM_POOL_SIZE", CFG_INT, "16", 1, 1024, NULL, false,
         "keep-alive connections per upstream and worker", &cfg.pool_size},
        {"SHUTDOWN_GRACE_MS", CFG_INT, "10000", 0, 600000, NULL, false,
         "time in-flight requests get to finish on SIGTERM", &cfg.shutdown_grace_ms},
        {"LOG_LEVEL", CFG_ENUM, "info", 0, 0, "debug|info|warn|error", false, "minimum log level",
         &cfg.log_level},
        {"AUTH_ENABLED", CFG_BOOL, "false", 0, 0, NULL, false,
         "require a credential on every /v1 route (off: credentials are ignored)", &cfg.auth.enabled},
        {"AUTH_JWT_ALGORITHM", CFG_ENUM, "HS256", 0, 0, "HS256|RS256", false,
         "algorithm bearer tokens must be signed with", &cfg.auth.algorithm},
        {"AUTH_JWT_SECRET", CFG_STRING, "", 0, 0, NULL, true, "HS256 shared secret, at least 32 bytes",
         &cfg.auth.secret},
        {"AUTH_JWT_PUBLIC_KEY_FILE", CFG_STRING, "", 0, 0, NULL, false,
         "RS256: PEM public key file (BEGIN PUBLIC KEY, RSA >= 2048 bits)", &cfg.auth.public_key_file},
        {"AUTH_JWT_ISSUER", CFG_STRING, "", 0, 0, NULL, false, "required iss claim (empty: not checked)",
         &cfg.auth.issuer},
        {"AUTH_JWT_AUDIENCE", CFG_STRING, "", 0, 0, NULL, false,
         "required aud claim, string or array member (empty: not checked)", &cfg.auth.audience},
        {"AUTH_API_KEYS", CFG_STRING, "", 0, 0, NULL, true, "static API keys: key:read,key:write,...",
         &cfg.auth.api_keys},
    };

    memset(&cfg, 0, sizeof(cfg));
    memset(&settings, 0, sizeof(settings));
    config_load(GATEWAY_PROG, table, ARRAY_LEN(table), argc, argv);
    /* config_load validated the URLs with this same parser (CFG_HTTP_URL), so this cannot fail: it only
     * fills in the host, port and Host header value each upstream pool connects with. */
    for (int u = 0; u < GW_UPSTREAM_COUNT; u++) {
        const char *why = NULL;
        if (config_http_url_parse(cfg.urls[u], &settings.targets[u], &why) < 0) {
            fprintf(stderr, "%s: %s: %s\n", GATEWAY_PROG, url_names[u], why);
            return 2;
        }
    }
    settings.proxy_timeout_ms = cfg.upstream_timeout_ms;
    settings.probe_timeout_ms = cfg.readyz_timeout_ms;
    settings.pool_size = cfg.pool_size;
    {
        char why[256];
        if (auth_init(&cfg.auth, why, sizeof(why)) < 0) {
            fprintf(stderr, "%s: %s\n", GATEWAY_PROG, why);
            return 2;
        }
    }

    log_init("gateway", cfg.log_level);
    health_configure("gateway", NULL);
    if (gateway_install_signals() < 0) {
        log_error("cannot install signal handlers");
        auth_shutdown();
        return 1;
    }

    rows = xcalloc(gw_routes_count, sizeof(*rows));
    handlers = xcalloc(gw_routes_count, sizeof(*handlers));
    gateway_build_routes(rows, handlers);

    http_server_config scfg = {
        .service = "gateway",
        .bind_addr = cfg.bind_address,
        .port = cfg.port,
        .workers = cfg.workers,
        .routes = rows,
        .route_count = gw_routes_count,
        .validate_path_ids = false, /* the owning services check ids (400 0065) */
        .max_body = HTTP_MAX_BODY,
        .worker_init = gateway_worker_init,
        .worker_free = gateway_worker_free,
        .worker_arg = &settings,
        .pre_body_check = auth_enabled() ? auth_check_request : NULL,
    };
    srv = http_server_new(&scfg);
    if (srv == NULL)
        goto cleanup;
    readyz_set_server(srv);
    atomic_store(&gateway_server, srv);
    if (gateway_stop_requested)
        http_server_stop(srv);
    log_info("gateway routing to onboarding=%s portfolio=%s transaction=%s (timeout %d ms, pool %d)",
             settings.targets[GW_ONBOARDING].authority, settings.targets[GW_PORTFOLIO].authority,
             settings.targets[GW_TRANSACTION].authority, cfg.upstream_timeout_ms, cfg.pool_size);
    if (auth_enabled())
        log_info("authentication enabled: %s bearer tokens %s, %zu API key(s)%s%s", cfg.auth.algorithm,
                 cfg.auth.secret[0] || cfg.auth.public_key_file[0] ? "accepted" : "refused (no key)",
                 auth_api_key_count(), cfg.auth.issuer[0] ? ", issuer checked" : "",
                 cfg.auth.audience[0] ? ", audience checked" : "");
    else
        log_info("authentication disabled (AUTH_ENABLED=false): credentials are ignored");
    rc = http_server_run(srv, cfg.shutdown_grace_ms) == 0 ? 0 : 1;

cleanup:
    atomic_store(&gateway_server, NULL);
    readyz_set_server(NULL);
    http_server_free(srv);
    auth_shutdown();
    free(handlers);
    free(rows);
    return rc;
}
