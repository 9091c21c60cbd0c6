/* The gateway's authentication step (api.md "Authentication", "Validation order" step 1): configured
 * once at start from the AUTH_* variables, then run by common/http between route matching (404/405)
 * and the body-size check (413) of every request. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

/* The AUTH_* variables as gateway/main.c's config table read them ("" = unset). */
typedef struct auth_config {
    bool enabled;
    const char *algorithm;       /* HS256 | RS256 */
    const char *secret;          /* AUTH_JWT_SECRET */
    const char *public_key_file; /* AUTH_JWT_PUBLIC_KEY_FILE, read here */
    const char *issuer;
    const char *audience;
    const char *api_keys; /* AUTH_API_KEYS */
} auth_config;

/* Set up authentication before the server starts. Disabled: nothing is read or checked (credentials
 * are ignored). Enabled: reads the public key file (RS256) and validates everything (gw_auth_new).
 * Returns 0, or -1 with why = "<VARIABLE>: <reason>" (main prints it and exits 2). Not thread-safe:
 * call once from main. */
int auth_init(const auth_config *c, char *why, size_t why_len) MUSTCHECK;
/* True when auth_init enabled authentication. */
bool auth_enabled(void);
/* Number of configured API keys (0 when disabled). */
size_t auth_api_key_count(void);
/* Release what auth_init built (after the server stopped). */
void auth_shutdown(void);

/* http_server_config.pre_body_check of the gateway. Routes answered by the gateway itself (/health,
 * /readyz, /version, /metrics, /v1/openapi.json, /docs) pass untouched; every other route needs a
 * credential allowing its method. Returns 0 to go on, or -1 after replying 401 0041 / 401 0042 (both
 * with WWW-Authenticate: Bearer) or 403 0043. */
int auth_check_request(http_request *r);
