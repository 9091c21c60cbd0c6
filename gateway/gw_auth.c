/* Gateway authentication decisions: base64url, compact JWS parsing and HS256/RS256 verification with
 * libcrypto, claim checks against a clock given by the caller, scopes and static API keys. It reads no
 * header, no file and no clock, and never logs or returns a secret. */
#include "gw_auth.h"

#include <math.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errors/errors.h"
#include "http/router.h"
#include "json/json.h"

#define GW_AUTH_JSON_DEPTH 16 /* nesting allowed in a JWT header or claims set */
#define GW_SHA256_LEN 32

typedef struct gw_api_key {
    unsigned char digest[GW_SHA256_LEN]; /* SHA-256 of the key: compared in constant time */
    unsigned perms;
} gw_api_key;

struct gw_auth {
    gw_auth_alg alg;
    unsigned char *secret; /* HS256, NULL when no JWT is accepted */
    size_t secret_len;
    EVP_PKEY *pkey; /* RS256, NULL when no JWT is accepted */
    char *issuer;   /* NULL: not enforced */
    char *audience; /* NULL: not enforced */
    gw_api_key *keys;
    size_t key_count;
};

/* ---- base64url ---------------------------------------------------------------------------------- */

static int gw_b64url_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

int gw_b64url_decode(const char *in, size_t len, unsigned char **out, size_t *out_len)
{
    unsigned char *buf = NULL;
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;

    *out = NULL;
    *out_len = 0;
    if (len % 4 == 1) /* one leftover character carries only 6 bits: never a whole byte */
        return -1;
    buf = xmalloc(len / 4 * 3 + 3);
    for (size_t i = 0; i < len; i++) {
        int v = gw_b64url_value((unsigned char)in[i]);
        if (v < 0)
            goto failed;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[n++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (acc != 0) /* non-zero unused bits: not the canonical encoding of any byte string */
        goto failed;
    buf[n] = '\0';
    *out = buf;
    *out_len = n;
    return 0;

failed:
    free(buf);
    return -1;
}

/* ---- scopes and permissions --------------------------------------------------------------------- */

unsigned gw_auth_scope_perms(const char *scope)
{
    unsigned perms = 0;
    const char *p = scope;

    if (!p)
        return 0;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n == strlen("ledger:write") && strncmp(p, "ledger:write", n) == 0)
            perms |= GW_PERM_WRITE;
        else if (n == strlen("ledger:read") && strncmp(p, "ledger:read", n) == 0)
            perms |= GW_PERM_READ;
        p += n;
    }
    return perms;
}

bool gw_auth_perms_allow(unsigned perms, unsigned method)
{
    if (perms & GW_PERM_WRITE)
        return true;
    return (perms & GW_PERM_READ) && (method == HTTP_M_GET || method == HTTP_M_HEAD);
}

/* ---- configuration ------------------------------------------------------------------------------ */

static bool gw_key_char_ok(unsigned char c)
{
    return c >= 0x21 && c <= 0x7E && c != ',';
}

static void gw_sha256(const void *data, size_t len, unsigned char digest[GW_SHA256_LEN])
{
    unsigned int dlen = 0;
    if (EVP_Digest(data, len, digest, &dlen, EVP_sha256(), NULL) != 1 || dlen != GW_SHA256_LEN)
        memset(digest, 0, GW_SHA256_LEN); /* cannot happen with the default provider; matches no key */
}

/* AUTH_API_KEYS: comma-separated "key:read" / "key:write" entries, blanks around entries ignored. The
 * permission follows the last ':', so a key may itself hold ':'. Keys are printable ASCII without ','
 * and must be unique. Errors name the entry by position, never by value. */
static int gw_parse_api_keys(const char *text, gw_auth *a, char *why, size_t why_len)
{
    const char *p = text;
    size_t cap = 1, index = 0;

    for (const char *q = text; *q; q++)
        cap += *q == ',';
    a->keys = xcalloc(cap, sizeof(gw_api_key));
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        index++;
        while (len > 0 && (*p == ' ' || *p == '\t')) {
            p++;
            len--;
        }
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        const char *colon = NULL;
        for (size_t i = 0; i < len; i++)
            if (p[i] == ':')
                colon = p + i;
        if (len == 0) {
            snprintf(why, why_len, "AUTH_API_KEYS: entry %zu is empty", index);
            return -1;
        }
        if (!colon) {
            snprintf(why, why_len, "AUTH_API_KEYS: entry %zu must be <key>:read or <key>:write", index);
            return -1;
        }
        size_t klen = (size_t)(colon - p), plen = len - klen - 1;
        unsigned perms = 0;
        if (plen == 4 && strncmp(colon + 1, "read", 4) == 0)
            perms = GW_PERM_READ;
        else if (plen == 5 && strncmp(colon + 1, "write", 5) == 0)
            perms = GW_PERM_WRITE;
        else {
            snprintf(why, why_len, "AUTH_API_KEYS: entry %zu: permission must be read or write", index);
            return -1;
        }
        if (klen == 0) {
            snprintf(why, why_len, "AUTH_API_KEYS: entry %zu has an empty key", index);
            return -1;
        }
        for (size_t i = 0; i < klen; i++) {
            if (!gw_key_char_ok((unsigned char)p[i])) {
                snprintf(why, why_len, "AUTH_API_KEYS: entry %zu: a key is printable ASCII without blanks",
                         index);
                return -1;
            }
        }
        gw_api_key *k = &a->keys[a->key_count];
        gw_sha256(p, klen, k->digest);
        k->perms = perms;
        for (size_t i = 0; i < a->key_count; i++) {
            if (memcmp(a->keys[i].digest, k->digest, GW_SHA256_LEN) == 0) {
                snprintf(why, why_len, "AUTH_API_KEYS: entry %zu repeats the key of entry %zu", index, i + 1);
                return -1;
            }
        }
        a->key_count++;
        if (!end)
            break;
        p = end + 1;
    }
    return 0;
}

static int gw_load_public_key(const char *pem, gw_auth *a, char *why, size_t why_len)
{
    BIO *bio = NULL;
    int rc = -1;

    if (strstr(pem, "PRIVATE KEY-----")) {
        snprintf(why, why_len,
                 "AUTH_JWT_PUBLIC_KEY_FILE: holds a private key; give the public key "
                 "(openssl pkey -in key.pem -pubout)");
        goto cleanup;
    }
    if (strstr(pem, "BEGIN RSA PUBLIC KEY")) {
        snprintf(why, why_len,
                 "AUTH_JWT_PUBLIC_KEY_FILE: PKCS#1 RSA PUBLIC KEY is not accepted; give a "
                 "PEM PUBLIC KEY (openssl pkey -pubin -in key.pem -out spki.pem)");
        goto cleanup;
    }
    bio = BIO_new_mem_buf(pem, -1);
    if (!bio) {
        snprintf(why, why_len, "AUTH_JWT_PUBLIC_KEY_FILE: out of memory");
        goto cleanup;
    }
    a->pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    ERR_clear_error();
    if (!a->pkey) {
        snprintf(why, why_len, "AUTH_JWT_PUBLIC_KEY_FILE: no PEM PUBLIC KEY found");
        goto cleanup;
    }
    if (!EVP_PKEY_is_a(a->pkey, "RSA")) {
        snprintf(why, why_len, "AUTH_JWT_PUBLIC_KEY_FILE: RS256 needs an RSA key");
        goto cleanup;
    }
    if (EVP_PKEY_get_bits(a->pkey) < GW_AUTH_RSA_BITS_MIN) {
        snprintf(why, why_len, "AUTH_JWT_PUBLIC_KEY_FILE: RSA key of %d bits; RS256 needs at least %d",
                 EVP_PKEY_get_bits(a->pkey), GW_AUTH_RSA_BITS_MIN);
        goto cleanup;
    }
    rc = 0;

cleanup:
    BIO_free(bio);
    return rc;
}

static bool gw_set(const char *s)
{
    return s && s[0];
}

int gw_auth_new(const gw_auth_settings *s, gw_auth **out, char *why, size_t why_len)
{
    gw_auth *a = xcalloc(1, sizeof(*a));

    *out = NULL;
    why[0] = '\0';
    if (s->algorithm && strcmp(s->algorithm, "RS256") == 0) {
        a->alg = GW_AUTH_RS256;
    } else if (!s->algorithm || strcmp(s->algorithm, "HS256") == 0) {
        a->alg = GW_AUTH_HS256;
    } else {
        snprintf(why, why_len, "AUTH_JWT_ALGORITHM: must be one of HS256, RS256");
        goto failed;
    }
    if (gw_set(s->api_keys) && gw_parse_api_keys(s->api_keys, a, why, why_len) < 0)
        goto failed;

    switch (a->alg) {
    case GW_AUTH_HS256:
        if (gw_set(s->public_key_pem)) {
            snprintf(why, why_len,
                     "AUTH_JWT_PUBLIC_KEY_FILE: set, but AUTH_JWT_ALGORITHM is HS256 "
                     "(which uses AUTH_JWT_SECRET)");
            goto failed;
        }
        if (gw_set(s->secret)) {
            size_t n = strlen(s->secret);
            if (n < GW_AUTH_SECRET_MIN) {
                snprintf(why, why_len, "AUTH_JWT_SECRET: %zu bytes; HS256 needs at least %d", n,
                         GW_AUTH_SECRET_MIN);
                goto failed;
            }
            a->secret = (unsigned char *)xstrdup(s->secret);
            a->secret_len = n;
        }
        break;
    case GW_AUTH_RS256:
        if (gw_set(s->secret)) {
            snprintf(why, why_len,
                     "AUTH_JWT_SECRET: set, but AUTH_JWT_ALGORITHM is RS256 "
                     "(which uses AUTH_JWT_PUBLIC_KEY_FILE)");
            goto failed;
        }
        if (gw_set(s->public_key_pem) && gw_load_public_key(s->public_key_pem, a, why, why_len) < 0)
            goto failed;
        break;
    }
    if (!gw_auth_has_jwt(a) && a->key_count == 0) {
        snprintf(why, why_len,
                 "AUTH_ENABLED: true, but no credential is configured (set %s or AUTH_API_KEYS)",
                 a->alg == GW_AUTH_HS256 ? "AUTH_JWT_SECRET" : "AUTH_JWT_PUBLIC_KEY_FILE");
        goto failed;
    }
    a->issuer = gw_set(s->issuer) ? xstrdup(s->issuer) : NULL;
    a->audience = gw_set(s->audience) ? xstrdup(s->audience) : NULL;
    *out = a;
    return 0;

failed:
    gw_auth_free(a);
    return -1;
}

void gw_auth_free(gw_auth *a)
{
    if (!a)
        return;
    if (a->secret) {
        OPENSSL_cleanse(a->secret, a->secret_len);
        free(a->secret);
    }
    EVP_PKEY_free(a->pkey);
    free(a->issuer);
    free(a->audience);
    free(a->keys);
    free(a);
}

gw_auth_alg gw_auth_algorithm(const gw_auth *a)
{
    return a->alg;
}

bool gw_auth_has_jwt(const gw_auth *a)
{
    switch (a->alg) {
    case GW_AUTH_HS256:
        return a->secret != NULL;
    case GW_AUTH_RS256:
        return a->pkey != NULL;
    }
    return false;
}

size_t gw_auth_api_key_count(const gw_auth *a)
{
    return a->key_count;
}

/* ---- JWT ---------------------------------------------------------------------------------------- */

/* Decode one base64url segment and parse it as a strict JSON object. New reference or NULL. */
static json_object *gw_segment_json(const char *seg, size_t len)
{
    unsigned char *raw = NULL;
    size_t raw_len = 0;
    json_object *obj = NULL;
    api_error e = {0};

    if (len == 0 || gw_b64url_decode(seg, len, &raw, &raw_len) < 0)
        return NULL;
    if (json_parse_strict((const char *)raw, raw_len, GW_AUTH_JSON_DEPTH, &obj, NULL, &e) < 0)
        obj = NULL;
    api_error_clear(&e);
    free(raw);
    if (obj && !json_object_is_type(obj, json_type_object)) {
        json_object_put(obj);
        obj = NULL;
    }
    return obj;
}

static bool gw_signature_ok(const gw_auth *a, const char *input, size_t input_len, const unsigned char *sig,
                            size_t sig_len)
{
    switch (a->alg) {
    case GW_AUTH_HS256: {
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int mac_len = 0;
        if (!HMAC(EVP_sha256(), a->secret, (int)a->secret_len, (const unsigned char *)input, input_len, mac,
                  &mac_len))
            return false;
        return sig_len == mac_len && CRYPTO_memcmp(mac, sig, mac_len) == 0;
    }
    case GW_AUTH_RS256: {
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        bool ok = false;
        /* RSA keys default to PKCS#1 v1.5 padding: exactly RS256 (RFC 7518 3.3). */
        if (ctx && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, a->pkey) == 1)
            ok = EVP_DigestVerify(ctx, sig, sig_len, (const unsigned char *)input, input_len) == 1;
        EVP_MD_CTX_free(ctx);
        if (!ok)
            ERR_clear_error(); /* a bad signature is an answer, not an error to keep in this thread */
        return ok;
    }
    }
    return false;
}

/* A NumericDate claim (RFC 7519 2): a JSON number, possibly with a fraction. -1 when not a number. */
static int gw_numeric_date(json_object *v, bool *is_int, int64_t *i, double *d)
{
    if (json_object_is_type(v, json_type_int)) {
        *is_int = true;
        *i = json_object_get_int64(v);
        return 0;
    }
    if (json_object_is_type(v, json_type_double)) {
        *is_int = false;
        *d = json_object_get_double(v);
        return isfinite(*d) ? 0 : -1;
    }
    return -1;
}

static bool gw_audience_ok(json_object *aud, const char *want)
{
    if (json_object_is_type(aud, json_type_string))
        return strcmp(json_object_get_string(aud), want) == 0;
    if (!json_object_is_type(aud, json_type_array))
        return false;
    for (size_t i = 0; i < json_object_array_length(aud); i++) {
        json_object *v = json_object_array_get_idx(aud, i);
        if (json_object_is_type(v, json_type_string) && strcmp(json_object_get_string(v), want) == 0)
            return true;
    }
    return false;
}

/* The registered claims: exp (required), nbf, iss and aud (when configured). */
static int gw_claims_ok(const gw_auth *a, json_object *claims, int64_t now, const char **why)
{
    json_object *v = NULL;
    bool is_int = false;
    int64_t i = 0;
    double d = 0;

    if (!json_object_object_get_ex(claims, "exp", &v) || json_object_is_type(v, json_type_null)) {
        *why = "token has no exp claim";
        return -1;
    }
    if (gw_numeric_date(v, &is_int, &i, &d) < 0) {
        *why = "token exp is not a number";
        return -1;
    }
    /* valid while now < exp + leeway, written so that no sum can overflow */
    if (is_int ? !(now - GW_AUTH_LEEWAY_S < i) : !((double)(now - GW_AUTH_LEEWAY_S) < d)) {
        *why = "token expired";
        return -1;
    }
    if (json_object_object_get_ex(claims, "nbf", &v) && !json_object_is_type(v, json_type_null)) {
        if (gw_numeric_date(v, &is_int, &i, &d) < 0) {
            *why = "token nbf is not a number";
            return -1;
        }
        if (is_int ? i > now + GW_AUTH_LEEWAY_S : d > (double)(now + GW_AUTH_LEEWAY_S)) {
            *why = "token not valid yet";
            return -1;
        }
    }
    if (a->issuer) {
        if (!json_object_object_get_ex(claims, "iss", &v) || !json_object_is_type(v, json_type_string) ||
            strcmp(json_object_get_string(v), a->issuer) != 0) {
            *why = "token issuer not accepted";
            return -1;
        }
    }
    if (a->audience) {
        if (!json_object_object_get_ex(claims, "aud", &v) || !gw_audience_ok(v, a->audience)) {
            *why = "token audience not accepted";
            return -1;
        }
    }
    return 0;
}

int gw_jwt_verify(const gw_auth *a, const char *token, size_t len, int64_t now, unsigned *perms,
                  const char **why)
{
    json_object *header = NULL, *claims = NULL, *v = NULL;
    unsigned char *sig = NULL;
    size_t sig_len = 0;
    int rc = -1;
    const char *dot1 = NULL, *dot2 = NULL;

    *perms = 0;
    if (!gw_auth_has_jwt(a)) {
        *why = "bearer tokens are not accepted (no JWT key configured)";
        goto cleanup;
    }
    if (len > GW_AUTH_TOKEN_MAX) {
        *why = "token too long";
        goto cleanup;
    }
    dot1 = memchr(token, '.', len);
    dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token)) : NULL;
    if (!dot2 || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token))) {
        *why = "token is not a compact JWS (header.payload.signature)";
        goto cleanup;
    }
    header = gw_segment_json(token, (size_t)(dot1 - token));
    if (!header) {
        *why = "token header is not base64url JSON";
        goto cleanup;
    }
    /* alg must be the configured one: "none", HS/RS confusion and every other algorithm are refused
     * before any key is used. */
    if (!json_object_object_get_ex(header, "alg", &v) || !json_object_is_type(v, json_type_string) ||
        strcmp(json_object_get_string(v), a->alg == GW_AUTH_HS256 ? "HS256" : "RS256") != 0) {
        *why = "token alg is not the configured algorithm";
        goto cleanup;
    }
    if (json_object_object_get_ex(header, "crit", &v)) { /* we understand no extension (RFC 7515 4.1.11) */
        *why = "token header has crit extensions";
        goto cleanup;
    }
    if (gw_b64url_decode(dot2 + 1, len - (size_t)(dot2 + 1 - token), &sig, &sig_len) < 0 || sig_len == 0) {
        *why = "token signature is not base64url";
        goto cleanup;
    }
    if (!gw_signature_ok(a, token, (size_t)(dot2 - token), sig, sig_len)) {
        *why = "token signature does not verify";
        goto cleanup;
    }
    claims = gw_segment_json(dot1 + 1, (size_t)(dot2 - dot1 - 1));
    if (!claims) {
        *why = "token claims are not base64url JSON";
        goto cleanup;
    }
    if (gw_claims_ok(a, claims, now, why) < 0)
        goto cleanup;
    /* scope: a space-separated string (RFC 8693 4.2); any other type grants nothing */
    if (json_object_object_get_ex(claims, "scope", &v) && json_object_is_type(v, json_type_string))
        *perms = gw_auth_scope_perms(json_object_get_string(v));
    rc = 0;

cleanup:
    json_object_put(header);
    json_object_put(claims);
    free(sig);
    return rc;
}

int gw_auth_api_key_perms(const gw_auth *a, const char *key, size_t len, unsigned *perms)
{
    unsigned char digest[GW_SHA256_LEN];
    unsigned found = 0;
    int hit = 0;

    *perms = 0;
    gw_sha256(key, len, digest);
    /* every key is compared, whatever matched before: the time taken tells nothing about the keys */
    for (size_t i = 0; i < a->key_count; i++) {
        int same = CRYPTO_memcmp(digest, a->keys[i].digest, GW_SHA256_LEN) == 0;
        hit |= same;
        found |= same ? a->keys[i].perms : 0;
    }
    if (!hit)
        return -1;
    *perms = found;
    return 0;
}

/* ---- one request -------------------------------------------------------------------------------- */

/* Trim blanks; NULL when nothing is left (an empty header counts as absent). */
static const char *gw_trim(const char *s, size_t *len)
{
    if (!s)
        return NULL;
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *len = n;
    return n ? s : NULL;
}

/* "Bearer <token>" (scheme case-insensitive, RFC 7235 2.1). -1 with *why for any other form. */
static int gw_bearer_perms(const gw_auth *a, const char *value, size_t len, int64_t now, unsigned *perms,
                           const char **why)
{
    static const char scheme[] = "Bearer";
    size_t slen = sizeof(scheme) - 1;

    if (len <= slen || strncasecmp(value, scheme, slen) != 0 || (value[slen] != ' ' && value[slen] != '\t')) {
        *why = "Authorization must be \"Bearer <token>\"";
        return -1;
    }
    const char *t = value + slen;
    while (*t == ' ' || *t == '\t')
        t++;
    return gw_jwt_verify(a, t, len - (size_t)(t - value), now, perms, why);
}

gw_auth_result gw_auth_check(const gw_auth *a, const char *authorization, const char *api_key,
                             unsigned method, int64_t now, const char **why)
{
    const char *dummy = NULL;
    size_t alen = 0, klen = 0;
    unsigned perms = 0, p = 0;
    const char *av = gw_trim(authorization, &alen);
    const char *kv = gw_trim(api_key, &klen);

    if (!why)
        why = &dummy;
    *why = NULL;
    if (!av && !kv) {
        *why = "no credential (Authorization: Bearer <token> or X-API-Key)";
        return GW_AUTH_MISSING;
    }
    if (av) {
        if (gw_bearer_perms(a, av, alen, now, &p, why) < 0)
            return GW_AUTH_INVALID;
        perms |= p;
    }
    if (kv) {
        if (gw_auth_api_key_perms(a, kv, klen, &p) < 0) {
            *why = "unknown API key";
            return GW_AUTH_INVALID;
        }
        perms |= p;
    }
    if (!gw_auth_perms_allow(perms, method)) {
        *why = perms ? "the credential grants reads only (ledger:read)"
                     : "the credential grants neither ledger:read nor ledger:write";
        return GW_AUTH_FORBIDDEN;
    }
    return GW_AUTH_OK;
}
