/* The gateway's authentication step on live requests: reads Authorization and X-API-Key, asks gw_auth
 * for a decision and replies 401/403 with the error envelope. Decisions live in gw_auth.c; this file
 * only does I/O (the key file at start, headers and replies per request) and never logs a credential. */
#include "auth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gw_auth.h"
#include "gw_routes.h"
#include "log/log.h"

#define AUTH_KEY_FILE_MAX (64 * 1024) /* a PEM public key is a few KiB at most */

static gw_auth *auth_state; /* set once before the workers start, read-only afterwards */

/* Whole file as a NUL-terminated string (caller frees), or NULL with why set. */
static char *auth_read_file(const char *path, char *why, size_t why_len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0;

    if (!f) {
        snprintf(why, why_len, "AUTH_JWT_PUBLIC_KEY_FILE: cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    buf = xmalloc(AUTH_KEY_FILE_MAX + 1);
    n = fread(buf, 1, AUTH_KEY_FILE_MAX + 1, f);
    if (ferror(f)) {
        snprintf(why, why_len, "AUTH_JWT_PUBLIC_KEY_FILE: cannot read %s", path);
        goto failed;
    }
    if (n > AUTH_KEY_FILE_MAX) {
        snprintf(why, why_len, "AUTH_JWT_PUBLIC_KEY_FILE: %s is larger than %d bytes", path,
                 AUTH_KEY_FILE_MAX);
        goto failed;
    }
    buf[n] = '\0';
    fclose(f);
    return buf;

failed:
    fclose(f);
    free(buf);
    return NULL;
}

int auth_init(const auth_config *c, char *why, size_t why_len)
{
    char *pem = NULL;
    int rc = -1;

    why[0] = '\0';
    gw_auth_free(auth_state);
    auth_state = NULL;
    if (!c->enabled)
        return 0;
    if (c->public_key_file && c->public_key_file[0]) {
        pem = auth_read_file(c->public_key_file, why, why_len);
        if (!pem)
            goto cleanup;
    }
    gw_auth_settings s = {
        .algorithm = c->algorithm,
        .secret = c->secret,
        .public_key_pem = pem,
        .issuer = c->issuer,
        .audience = c->audience,
        .api_keys = c->api_keys,
    };
    if (gw_auth_new(&s, &auth_state, why, why_len) < 0)
        goto cleanup;
    rc = 0;

cleanup:
    free(pem);
    return rc;
}

bool auth_enabled(void)
{
    return auth_state != NULL;
}

size_t auth_api_key_count(void)
{
    return auth_state ? gw_auth_api_key_count(auth_state) : 0;
}

void auth_shutdown(void)
{
    gw_auth_free(auth_state);
    auth_state = NULL;
}

int auth_check_request(http_request *r)
{
    const gw_target *t = http_req_route_data(r);
    const char *why = NULL;

    if (!auth_state || (t && t->local))
        return 0;
    gw_auth_result res =
        gw_auth_check(auth_state, http_req_header(r, "Authorization"), http_req_header(r, "X-API-Key"),
                      http_req_method(r), (int64_t)time(NULL), &why);
    switch (res) {
    case GW_AUTH_OK:
        return 0;
    case GW_AUTH_MISSING:
        http_reply_set_header(r, "WWW-Authenticate", "Bearer");
        http_reply_error(r, ERR_TOKEN_MISSING, "%s", why);
        return -1;
    case GW_AUTH_INVALID:
        log_debug("authentication refused for %s %s: %s", http_req_method_name(r), http_req_template(r), why);
        http_reply_set_header(r, "WWW-Authenticate", "Bearer");
        http_reply_error(r, ERR_INVALID_TOKEN, "invalid credential: %s", why);
        return -1;
    case GW_AUTH_FORBIDDEN:
        http_reply_error(r, ERR_INSUFFICIENT_PRIVILEGES, "%s is not allowed: %s", http_req_method_name(r),
                         why);
        return -1;
    }
    http_reply_error(r, ERR_INTERNAL, "unknown authentication result");
    return -1;
}
