/* Gateway authentication decisions (api.md "Authentication"): base64url, JWT parsing and HS256/RS256
 * signature checks, claim checks against a given clock, scopes and static API keys, down to one
 * result per request. Pure code plus libcrypto calls: no I/O, no libevent, no clock of its own, so
 * the unit tests link it directly. Reading headers and replying is gateway/auth.c's job. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/mem.h"

#define GW_AUTH_LEEWAY_S 60       /* clock skew allowed on exp and nbf */
#define GW_AUTH_TOKEN_MAX 8192    /* longer bearer tokens are refused as malformed */
#define GW_AUTH_SECRET_MIN 32     /* HS256 key length floor (RFC 7518 3.2: at least the hash size) */
#define GW_AUTH_RSA_BITS_MIN 2048 /* RS256 modulus floor (RFC 7518 3.3) */

/* Permission bits of a credential: write allows every method, read allows GET and HEAD. */
enum { GW_PERM_READ = 1u << 0, GW_PERM_WRITE = 1u << 1 };

typedef enum gw_auth_alg { GW_AUTH_HS256, GW_AUTH_RS256 } gw_auth_alg;

/* Outcome of checking one request's credentials. */
typedef enum gw_auth_result {
    GW_AUTH_OK,       /* a valid credential allows the method */
    GW_AUTH_MISSING,  /* no credential at all: 401 0041 */
    GW_AUTH_INVALID,  /* a presented credential is invalid: 401 0042 */
    GW_AUTH_FORBIDDEN /* valid credential(s) without the permission for the method: 403 0043 */
} gw_auth_result;

/* The configuration as text, straight from the environment ("" = unset). */
typedef struct gw_auth_settings {
    const char *algorithm;      /* "HS256" or "RS256" */
    const char *secret;         /* HS256 shared secret (AUTH_JWT_SECRET) */
    const char *public_key_pem; /* RS256 public key, PEM text of AUTH_JWT_PUBLIC_KEY_FILE (or NULL) */
    const char *issuer;         /* required iss when not "" */
    const char *audience;       /* required aud when not "" */
    const char *api_keys;       /* "key:read,key:write" (AUTH_API_KEYS) */
} gw_auth_settings;

typedef struct gw_auth gw_auth;

/* Validate the settings and build the authenticator. At least one credential kind must be usable: the
 * JWT key of the configured algorithm, or API keys (API-key-only setups are allowed; a bearer token is
 * then always invalid). A key for the other algorithm (a secret with RS256, a public key with HS256) is
 * refused so that nobody believes it is used. Returns 0 with *out owned by the caller (gw_auth_free),
 * or -1 with *out NULL and `why` = "<VARIABLE>: <reason>" (never a secret's value). */
int gw_auth_new(const gw_auth_settings *s, gw_auth **out, char *why, size_t why_len) MUSTCHECK;
void gw_auth_free(gw_auth *a);

/* Configured algorithm, whether JWTs can be accepted at all, and the number of API keys. */
gw_auth_alg gw_auth_algorithm(const gw_auth *a);
bool gw_auth_has_jwt(const gw_auth *a);
size_t gw_auth_api_key_count(const gw_auth *a);

/* Check a request. `authorization` and `api_key` are the raw header values or NULL; a header that is
 * empty or only blanks counts as absent. `method` is an HTTP_M_* bit, `now` Unix seconds. When both
 * headers are sent, any invalid one makes the result GW_AUTH_INVALID; otherwise their permissions add
 * up. *why (may be NULL) gets a short static reason for logs and messages (never a secret). Thread-safe:
 * `a` is only read. */
gw_auth_result gw_auth_check(const gw_auth *a, const char *authorization, const char *api_key,
                             unsigned method, int64_t now, const char **why) MUSTCHECK;

/* ---- the pieces, exported for the unit tests ---------------------------------------------------- */

/* Decode unpadded base64url (RFC 4648 section 5, as JWS uses it): alphabet A-Z a-z 0-9 - _, no '=',
 * no whitespace, unused trailing bits zero. Returns 0 with *out (xmalloc'd, NUL-terminated for
 * convenience, caller frees) and *out_len, or -1 (nothing allocated). */
int gw_b64url_decode(const char *in, size_t len, unsigned char **out, size_t *out_len) MUSTCHECK;

/* Permission bits granted by a space-separated scope string (NULL: none). Tokens compare exactly. */
unsigned gw_auth_scope_perms(const char *scope);
/* True when `perms` allow the HTTP_M_* method. */
bool gw_auth_perms_allow(unsigned perms, unsigned method);

/* Verify a compact JWS (header.payload.signature) and its claims at time `now`: header alg equal to
 * the configured one (no "none", no other), no "crit", signature valid, exp required and later than
 * now - leeway, nbf (if present) not after now + leeway, iss/aud when configured (aud a string or an
 * array of strings). Returns 0 with *perms from the scope claim (0 when it has none of ours), or -1 with
 * *why set. */
int gw_jwt_verify(const gw_auth *a, const char *token, size_t len, int64_t now, unsigned *perms,
                  const char **why) MUSTCHECK;

/* Permission bits of a configured API key, or -1 when the key is unknown. Compares against every
 * configured key in constant time (SHA-256 digests with CRYPTO_memcmp). */
int gw_auth_api_key_perms(const gw_auth *a, const char *key, size_t len, unsigned *perms) MUSTCHECK;
