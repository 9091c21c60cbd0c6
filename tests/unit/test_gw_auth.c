/* Unit tests of gateway/gw_auth: base64url, scopes, the AUTH_* settings, API keys, JWT verification
 * (fixed HS256/RS256 vectors from tests/auth_vectors.h, plus HS256 tokens built here for the clock
 * and claim edge cases) and the per-request decision. Table-driven; no I/O, fixed clocks. */
#include <criterion/criterion.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_vectors.h"
#include "gw_auth.h"
#include "http/router.h"

#define NOW 1700000000LL /* the fixed clock of every test (2023-11-14) */
#define W GW_PERM_WRITE
#define R GW_PERM_READ

/* ---- helpers ------------------------------------------------------------------------------------ */

static char *b64url(const unsigned char *in, size_t len)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char *out = xmalloc(len / 3 * 4 + 5);
    size_t n = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < len)
            v |= in[i + 2];
        out[n++] = alphabet[(v >> 18) & 63];
        out[n++] = alphabet[(v >> 12) & 63];
        if (i + 1 < len)
            out[n++] = alphabet[(v >> 6) & 63];
        if (i + 2 < len)
            out[n++] = alphabet[v & 63];
    }
    out[n] = '\0';
    return out;
}

/* An HS256 compact JWS of header and claims (JSON texts) signed with AUTH_TEST_SECRET. Caller frees. */
static char *hs_token(const char *header, const char *claims)
{
    char *h = b64url((const unsigned char *)header, strlen(header));
    char *c = b64url((const unsigned char *)claims, strlen(claims));
    char *input = xasprintf("%s.%s", h, c);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    cr_assert_not_null(HMAC(EVP_sha256(), AUTH_TEST_SECRET, (int)strlen(AUTH_TEST_SECRET),
                            (const unsigned char *)input, strlen(input), mac, &mac_len));
    char *sig = b64url(mac, mac_len);
    char *token = xasprintf("%s.%s", input, sig);
    free(h);
    free(c);
    free(input);
    free(sig);
    return token;
}

static gw_auth *auth_or_die(const gw_auth_settings *s)
{
    gw_auth *a = NULL;
    char why[256];
    int rc = gw_auth_new(s, &a, why, sizeof(why));
    cr_assert_eq(rc, 0, "gw_auth_new failed: %s", why);
    cr_assert_not_null(a);
    return a;
}

/* HS256 with issuer, audience and two API keys: the configuration most tests use. */
static gw_auth *hs_auth(void)
{
    gw_auth_settings s = {.algorithm = "HS256",
                          .secret = AUTH_TEST_SECRET,
                          .issuer = AUTH_TEST_ISSUER,
                          .audience = AUTH_TEST_AUDIENCE,
                          .api_keys = "reader-key-0001:read,writer-key-0002:write"};
    return auth_or_die(&s);
}

static gw_auth *rs_auth(void)
{
    gw_auth_settings s = {.algorithm = "RS256", .public_key_pem = AUTH_TEST_RS_PUBLIC_KEY_PEM};
    return auth_or_die(&s);
}

/* ---- base64url ---------------------------------------------------------------------------------- */

typedef struct b64_case {
    const char *in;
    int rc;
    const char *out;
    size_t out_len;
} b64_case;

static const b64_case b64_cases[] = {
    {"", 0, "", 0},          {"Zg", 0, "f", 1},        {"Zm8", 0, "fo", 2},
    {"Zm9v", 0, "foo", 3},   {"Zm9vYg", 0, "foob", 4}, {"-_8", 0, "\xfb\xff", 2},
    {"AAA", 0, "\0\0", 2},   {"Zg==", -1, NULL, 0},   /* padding is not base64url as JWS uses it */
    {"Z", -1, NULL, 0},                               /* 6 bits: no whole byte */
    {"Zm9vY", -1, NULL, 0},  {"Zm9v+w", -1, NULL, 0}, /* the standard alphabet's '+' and '/' */
    {"Zm9v/w", -1, NULL, 0}, {"Zh", -1, NULL, 0},     /* non-zero unused bits */
    {"Zm 9v", -1, NULL, 0},  {"Zm9v\n", -1, NULL, 0},  {"Zm9.", -1, NULL, 0},
};

Test(gw_auth, base64url_decoding)
{
    for (size_t i = 0; i < ARRAY_LEN(b64_cases); i++) {
        const b64_case *c = &b64_cases[i];
        unsigned char *out = (unsigned char *)"sentinel";
        size_t len = 99;
        int rc = gw_b64url_decode(c->in, strlen(c->in), &out, &len);
        cr_expect_eq(rc, c->rc, "'%s': rc %d, want %d", c->in, rc, c->rc);
        if (rc == 0 && c->rc == 0) {
            cr_expect_eq(len, c->out_len, "'%s': length %zu, want %zu", c->in, len, c->out_len);
            cr_expect(memcmp(out, c->out, c->out_len) == 0, "'%s': decoded bytes differ", c->in);
            cr_expect_eq(out[len], '\0', "'%s': NUL-terminated", c->in);
        } else if (rc < 0) {
            cr_expect_null(out, "'%s': *out is NULL on failure", c->in);
            cr_expect_eq(len, 0, "'%s': *out_len is 0 on failure", c->in);
        }
        if (rc == 0)
            free(out);
    }
}

/* ---- scopes and methods ------------------------------------------------------------------------- */

typedef struct scope_case {
    const char *scope;
    unsigned perms;
} scope_case;

static const scope_case scope_cases[] = {
    {"ledger:write", W},
    {"ledger:read", R},
    {"openid ledger:read", R},
    {"ledger:read ledger:write", R | W},
    {"  ledger:read   profile  ", R},
    {"ledger:READ", 0},
    {"Ledger:write", 0},
    {"ledger:readx", 0},
    {"xledger:write", 0},
    {"ledger:read,ledger:write", 0}, /* comma-separated is not the claim's format */
    {"ledger", 0},
    {"", 0},
    {NULL, 0},
};

Test(gw_auth, scope_claim_to_permissions)
{
    for (size_t i = 0; i < ARRAY_LEN(scope_cases); i++) {
        const scope_case *c = &scope_cases[i];
        unsigned p = gw_auth_scope_perms(c->scope);
        cr_expect_eq(p, c->perms, "scope '%s': perms %u, want %u", c->scope ? c->scope : "(null)", p,
                     c->perms);
    }
}

typedef struct allow_case {
    unsigned perms;
    unsigned method;
    bool allowed;
} allow_case;

static const allow_case allow_cases[] = {
    {R, HTTP_M_GET, true},    {R, HTTP_M_HEAD, true},    {R, HTTP_M_POST, false},
    {R, HTTP_M_PATCH, false}, {R, HTTP_M_DELETE, false}, {R, HTTP_M_PUT, false},
    {W, HTTP_M_GET, true},    {W, HTTP_M_HEAD, true},    {W, HTTP_M_POST, true},
    {W, HTTP_M_PATCH, true},  {W, HTTP_M_DELETE, true},  {R | W, HTTP_M_DELETE, true},
    {0, HTTP_M_GET, false},   {0, HTTP_M_HEAD, false},   {0, HTTP_M_POST, false},
};

Test(gw_auth, permissions_per_method)
{
    for (size_t i = 0; i < ARRAY_LEN(allow_cases); i++) {
        const allow_case *c = &allow_cases[i];
        cr_expect_eq(gw_auth_perms_allow(c->perms, c->method), c->allowed, "perms %u, %s: want %s", c->perms,
                     http_method_name(c->method), c->allowed ? "allowed" : "refused");
    }
}

/* ---- settings ----------------------------------------------------------------------------------- */

typedef struct settings_case {
    const char *name;
    gw_auth_settings s;
    const char *error; /* NULL: accepted; else a piece of the reason */
    size_t keys;       /* accepted: number of API keys */
} settings_case;

#define SHORT_SECRET "0123456789abcdef0123456789abcde" /* 31 bytes */

static const settings_case settings_cases[] = {
    {"HS256 with a secret", {.algorithm = "HS256", .secret = AUTH_TEST_SECRET}, NULL, 0},
    {"secret of exactly 32 bytes", {.algorithm = "HS256", .secret = SHORT_SECRET "f"}, NULL, 0},
    {"secret of 31 bytes", {.algorithm = "HS256", .secret = SHORT_SECRET}, "AUTH_JWT_SECRET: 31 bytes", 0},
    {"nothing configured", {.algorithm = "HS256", .secret = "", .api_keys = ""}, "AUTH_ENABLED", 0},
    {"RS256 without a key", {.algorithm = "RS256"}, "AUTH_JWT_PUBLIC_KEY_FILE or AUTH_API_KEYS", 0},
    {"API keys only", {.algorithm = "HS256", .api_keys = "k1:read"}, NULL, 1},
    {"HS256 with a public key",
     {.algorithm = "HS256", .secret = AUTH_TEST_SECRET, .public_key_pem = AUTH_TEST_RS_PUBLIC_KEY_PEM},
     "AUTH_JWT_PUBLIC_KEY_FILE: set, but",
     0},
    {"RS256 with a public key",
     {.algorithm = "RS256", .public_key_pem = AUTH_TEST_RS_PUBLIC_KEY_PEM},
     NULL,
     0},
    {"RS256 with a secret",
     {.algorithm = "RS256", .secret = AUTH_TEST_SECRET, .public_key_pem = AUTH_TEST_RS_PUBLIC_KEY_PEM},
     "AUTH_JWT_SECRET: set, but",
     0},
    {"RSA 1024", {.algorithm = "RS256", .public_key_pem = AUTH_TEST_WEAK_PUBLIC_KEY_PEM}, "1024 bits", 0},
    {"EC key", {.algorithm = "RS256", .public_key_pem = AUTH_TEST_EC_PUBLIC_KEY_PEM}, "needs an RSA key", 0},
    {"not PEM", {.algorithm = "RS256", .public_key_pem = "hello"}, "no PEM PUBLIC KEY", 0},
    {"private key",
     {.algorithm = "RS256",
      .public_key_pem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"},
     "private key",
     0},
    {"PKCS#1 public key",
     {.algorithm = "RS256",
      .public_key_pem = "-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\n"},
     "PKCS#1",
     0},
    {"unknown algorithm", {.algorithm = "HS512", .secret = AUTH_TEST_SECRET}, "AUTH_JWT_ALGORITHM", 0},
    {"two keys", {.algorithm = "HS256", .api_keys = "k1:read,k2:write"}, NULL, 2},
    {"blanks around entries", {.algorithm = "HS256", .api_keys = " k1:read ,\tk2:write\t"}, NULL, 2},
    {"colon inside a key", {.algorithm = "HS256", .api_keys = "k:e:y:write"}, NULL, 1},
    {"unknown permission", {.algorithm = "HS256", .api_keys = "k1:read,k2:admin"}, "entry 2: permission", 0},
    {"no permission", {.algorithm = "HS256", .api_keys = "k1"}, "entry 1 must be", 0},
    {"empty key", {.algorithm = "HS256", .api_keys = ":read"}, "entry 1 has an empty key", 0},
    {"empty entry", {.algorithm = "HS256", .api_keys = "k1:read,,k2:write"}, "entry 2 is empty", 0},
    {"trailing comma", {.algorithm = "HS256", .api_keys = "k1:read,"}, "entry 2 is empty", 0},
    {"repeated key",
     {.algorithm = "HS256", .api_keys = "k1:read,k1:write"},
     "entry 2 repeats the key of entry 1",
     0},
    {"blank inside a key", {.algorithm = "HS256", .api_keys = "k 1:read"}, "printable ASCII", 0},
    {"permission case", {.algorithm = "HS256", .api_keys = "k1:READ"}, "permission", 0},
};

Test(gw_auth, settings_are_validated)
{
    for (size_t i = 0; i < ARRAY_LEN(settings_cases); i++) {
        const settings_case *c = &settings_cases[i];
        static char junk;
        gw_auth *a = (gw_auth *)(void *)&junk; /* any non-NULL value: must be reset */
        char why[256];
        int rc = gw_auth_new(&c->s, &a, why, sizeof(why));
        if (c->error == NULL) {
            cr_expect_eq(rc, 0, "%s: refused: %s", c->name, why);
            cr_expect_not_null(a, "%s", c->name);
            if (a)
                cr_expect_eq(gw_auth_api_key_count(a), c->keys, "%s: %zu keys, want %zu", c->name,
                             gw_auth_api_key_count(a), c->keys);
        } else {
            cr_expect_eq(rc, -1, "%s: accepted", c->name);
            cr_expect_null(a, "%s: *out is NULL on failure", c->name);
            cr_expect(strstr(why, c->error) != NULL, "%s: reason '%s' lacks '%s'", c->name, why, c->error);
            cr_expect(strchr(why, '\n') == NULL, "%s: one line", c->name);
        }
        gw_auth_free(rc == 0 ? a : NULL);
    }
}

Test(gw_auth, errors_never_show_secret_values)
{
    static const char *const bad[] = {"topsecret-key-value:admin", "topsecret-key-value",
                                      "ok:read,topsecret-key-value:nope"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        gw_auth_settings s = {.algorithm = "HS256", .api_keys = bad[i]};
        gw_auth *a = NULL;
        char why[256];
        cr_expect_eq(gw_auth_new(&s, &a, why, sizeof(why)), -1, "%zu accepted", i);
        cr_expect(strstr(why, "topsecret") == NULL, "reason shows the key: %s", why);
    }
    gw_auth_settings s = {.algorithm = "HS256", .secret = "topsecret-but-too-short"};
    gw_auth *a = NULL;
    char why[256];
    cr_expect_eq(gw_auth_new(&s, &a, why, sizeof(why)), -1);
    cr_expect(strstr(why, "topsecret") == NULL, "reason shows the secret: %s", why);
}

Test(gw_auth, accessors_report_the_configuration)
{
    gw_auth *hs = hs_auth();
    gw_auth *rs = rs_auth();
    gw_auth_settings s = {.algorithm = "RS256", .api_keys = "k1:read"};
    gw_auth *keys_only = auth_or_die(&s);

    cr_expect_eq(gw_auth_algorithm(hs), GW_AUTH_HS256);
    cr_expect(gw_auth_has_jwt(hs));
    cr_expect_eq(gw_auth_api_key_count(hs), 2);
    cr_expect_eq(gw_auth_algorithm(rs), GW_AUTH_RS256);
    cr_expect(gw_auth_has_jwt(rs));
    cr_expect_eq(gw_auth_api_key_count(rs), 0);
    cr_expect_not(gw_auth_has_jwt(keys_only));
    gw_auth_free(hs);
    gw_auth_free(rs);
    gw_auth_free(keys_only);
    gw_auth_free(NULL);
}

/* ---- API keys ----------------------------------------------------------------------------------- */

typedef struct key_case {
    const char *key;
    int rc;
    unsigned perms;
} key_case;

static const key_case key_cases[] = {
    {"reader-key-0001", 0, R},       {"writer-key-0002", 0, W},  {"reader-key-000", -1, 0},
    {"reader-key-00011", -1, 0},     {"READER-KEY-0001", -1, 0}, {"", -1, 0},
    {"reader-key-0001:read", -1, 0},
};

Test(gw_auth, api_keys_are_looked_up_exactly)
{
    gw_auth *a = hs_auth();
    for (size_t i = 0; i < ARRAY_LEN(key_cases); i++) {
        const key_case *c = &key_cases[i];
        unsigned perms = 77;
        int rc = gw_auth_api_key_perms(a, c->key, strlen(c->key), &perms);
        cr_expect_eq(rc, c->rc, "key '%s': rc %d, want %d", c->key, rc, c->rc);
        cr_expect_eq(perms, c->perms, "key '%s': perms %u, want %u", c->key, perms, c->perms);
    }
    gw_auth_free(a);
}

/* ---- fixed JWT vectors -------------------------------------------------------------------------- */

typedef struct jwt_case {
    const char *name;
    const char *token;
    int rc;
    unsigned perms;
    const char *why; /* piece of the reason when rc == -1 */
} jwt_case;

/* Verified by the HS256 configuration with issuer and audience (hs_auth). */
static const jwt_case hs_cases[] = {
    {"write scope", AUTH_TEST_HS_WRITE, 0, W, NULL},
    {"read scope", AUTH_TEST_HS_READ, 0, R, NULL},
    {"both scopes, aud array", AUTH_TEST_HS_BOTH_AUD_ARRAY, 0, R | W, NULL},
    {"no scope claim", AUTH_TEST_HS_NO_SCOPE, 0, 0, NULL},
    {"only other scopes", AUTH_TEST_HS_OTHER_SCOPES, 0, 0, NULL},
    {"nbf in the past", AUTH_TEST_HS_NBF_PAST, 0, W, NULL},
    {"expired", AUTH_TEST_HS_EXPIRED, -1, 0, "expired"},
    {"no exp", AUTH_TEST_HS_NO_EXP, -1, 0, "no exp"},
    {"nbf in the future", AUTH_TEST_HS_NBF_FUTURE, -1, 0, "not valid yet"},
    {"wrong issuer", AUTH_TEST_HS_WRONG_ISS, -1, 0, "issuer"},
    {"wrong audience", AUTH_TEST_HS_WRONG_AUD, -1, 0, "audience"},
    {"no iss although configured", AUTH_TEST_HS_NO_ISS_AUD, -1, 0, "issuer"},
    {"bad signature", AUTH_TEST_HS_BAD_SIGNATURE, -1, 0, "signature"},
    {"alg none", AUTH_TEST_HS_ALG_NONE, -1, 0, "alg"},
    {"alg HS512", AUTH_TEST_HS_ALG_HS512, -1, 0, "alg"},
    {"an RS256 token", AUTH_TEST_RS_WRITE, -1, 0, "alg"},
    {"HS256 header over an RSA signature", AUTH_TEST_RS_HEADER_HS256, -1, 0, "signature"},
};

/* Verified by the RS256 configuration without issuer or audience (rs_auth). */
static const jwt_case rs_cases[] = {
    {"write scope", AUTH_TEST_RS_WRITE, 0, W, NULL},
    {"read scope", AUTH_TEST_RS_READ, 0, R, NULL},
    {"expired", AUTH_TEST_RS_EXPIRED, -1, 0, "expired"},
    {"signed by another key", AUTH_TEST_RS_OTHER_KEY, -1, 0, "signature"},
    {"signature of other claims", AUTH_TEST_RS_TAMPERED, -1, 0, "signature"},
    {"an HS256 token", AUTH_TEST_HS_WRITE, -1, 0, "alg"},
    {"HS256 header (alg confusion)", AUTH_TEST_RS_HEADER_HS256, -1, 0, "alg"},
    {"alg none", AUTH_TEST_HS_ALG_NONE, -1, 0, "alg"},
};

static void run_jwt_cases(const gw_auth *a, const jwt_case *cases, size_t n, int64_t now)
{
    for (size_t i = 0; i < n; i++) {
        const jwt_case *c = &cases[i];
        unsigned perms = 77;
        const char *why = NULL;
        int rc = gw_jwt_verify(a, c->token, strlen(c->token), now, &perms, &why);
        cr_expect_eq(rc, c->rc, "%s: rc %d, want %d (%s)", c->name, rc, c->rc, why ? why : "-");
        cr_expect_eq(perms, c->perms, "%s: perms %u, want %u", c->name, perms, c->perms);
        if (c->why && rc < 0)
            cr_expect(why && strstr(why, c->why), "%s: reason '%s' lacks '%s'", c->name, why ? why : "(null)",
                      c->why);
    }
}

Test(gw_auth, hs256_vectors)
{
    gw_auth *a = hs_auth();
    run_jwt_cases(a, hs_cases, ARRAY_LEN(hs_cases), NOW);
    gw_auth_free(a);
}

Test(gw_auth, rs256_vectors)
{
    gw_auth *a = rs_auth();
    run_jwt_cases(a, rs_cases, ARRAY_LEN(rs_cases), NOW);
    gw_auth_free(a);
}

Test(gw_auth, issuer_and_audience_are_ignored_when_not_configured)
{
    static const jwt_case cases[] = {
        {"no iss, no aud", AUTH_TEST_HS_NO_ISS_AUD, 0, W, NULL},
        {"another audience", AUTH_TEST_HS_WRONG_AUD, 0, W, NULL},
        {"another issuer", AUTH_TEST_HS_WRONG_ISS, 0, W, NULL},
    };
    gw_auth_settings s = {.algorithm = "HS256", .secret = AUTH_TEST_SECRET};
    gw_auth *a = auth_or_die(&s);
    run_jwt_cases(a, cases, ARRAY_LEN(cases), NOW);
    gw_auth_free(a);
}

Test(gw_auth, api_key_only_setup_refuses_every_bearer_token)
{
    gw_auth_settings s = {.algorithm = "HS256", .api_keys = "k1:write"};
    gw_auth *a = auth_or_die(&s);
    unsigned perms = 0;
    const char *why = NULL;
    cr_expect_eq(gw_jwt_verify(a, AUTH_TEST_HS_WRITE, strlen(AUTH_TEST_HS_WRITE), NOW, &perms, &why), -1);
    cr_expect(why && strstr(why, "not accepted"), "reason: %s", why ? why : "(null)");
    gw_auth_free(a);
}

/* ---- built tokens: clock edges and claim shapes ------------------------------------------------- */

#define HDR "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

typedef struct claims_case {
    const char *name;
    const char *header;
    const char *claims;
    int64_t now;
    int rc;
    unsigned perms;
} claims_case;

static const claims_case claims_cases[] = {
    {"exp in the future", HDR, "{\"exp\":1700000000,\"scope\":\"ledger:read\"}", NOW - 1000, 0, R},
    {"exp passed 59 s ago (leeway)", HDR, "{\"exp\":1700000000,\"scope\":\"ledger:read\"}", NOW + 59, 0, R},
    {"exp passed 60 s ago", HDR, "{\"exp\":1700000000,\"scope\":\"ledger:read\"}", NOW + 60, -1, 0},
    {"fractional exp inside the leeway", HDR, "{\"exp\":1700000000.5,\"scope\":\"ledger:read\"}", NOW + 60, 0,
     R},
    {"fractional exp past the leeway", HDR, "{\"exp\":1700000000.5,\"scope\":\"ledger:read\"}", NOW + 61, -1,
     0},
    {"exp as a string", HDR, "{\"exp\":\"4102444800\",\"scope\":\"ledger:read\"}", NOW, -1, 0},
    {"exp null", HDR, "{\"exp\":null,\"scope\":\"ledger:read\"}", NOW, -1, 0},
    {"exp boolean", HDR, "{\"exp\":true}", NOW, -1, 0},
    {"exp at the int64 limit", HDR, "{\"exp\":9223372036854775807,\"scope\":\"ledger:write\"}", NOW, 0, W},
    {"exp negative", HDR, "{\"exp\":-1}", NOW, -1, 0},
    {"exp beyond a double", HDR, "{\"exp\":1e400}", NOW, -1, 0},
    {"exp beyond int64 (a double)", HDR, "{\"exp\":92233720368547758070,\"scope\":\"ledger:read\"}", NOW, 0,
     R},
    {"nbf 60 s ahead (leeway)", HDR, "{\"exp\":4102444800,\"nbf\":1700000060,\"scope\":\"ledger:read\"}", NOW,
     0, R},
    {"nbf 61 s ahead", HDR, "{\"exp\":4102444800,\"nbf\":1700000061}", NOW, -1, 0},
    {"nbf as a string", HDR, "{\"exp\":4102444800,\"nbf\":\"1\"}", NOW, -1, 0},
    {"nbf null is absent", HDR, "{\"exp\":4102444800,\"nbf\":null,\"scope\":\"ledger:read\"}", NOW, 0, R},
    {"scope as an array grants nothing", HDR, "{\"exp\":4102444800,\"scope\":[\"ledger:write\"]}", NOW, 0, 0},
    {"claims not an object", HDR, "[1,2]", NOW, -1, 0},
    {"claims not JSON", HDR, "{\"exp\":", NOW, -1, 0},
    {"duplicate claim", HDR, "{\"exp\":4102444800,\"exp\":4102444801}", NOW, -1, 0},
    {"header without alg", "{\"typ\":\"JWT\"}", "{\"exp\":4102444800}", NOW, -1, 0},
    {"alg in lower case", "{\"alg\":\"hs256\"}", "{\"exp\":4102444800}", NOW, -1, 0},
    {"alg not a string", "{\"alg\":256}", "{\"exp\":4102444800}", NOW, -1, 0},
    {"crit header", "{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":false}", "{\"exp\":4102444800}", NOW, -1,
     0},
    {"header not JSON", "{alg:HS256}", "{\"exp\":4102444800}", NOW, -1, 0},
    {"header an array", "[\"HS256\"]", "{\"exp\":4102444800}", NOW, -1, 0},
    {"header without typ", "{\"alg\":\"HS256\"}", "{\"exp\":4102444800,\"scope\":\"ledger:write\"}", NOW, 0,
     W},
};

Test(gw_auth, clock_edges_and_claim_shapes)
{
    gw_auth_settings s = {.algorithm = "HS256", .secret = AUTH_TEST_SECRET};
    gw_auth *a = auth_or_die(&s);
    for (size_t i = 0; i < ARRAY_LEN(claims_cases); i++) {
        const claims_case *c = &claims_cases[i];
        char *token = hs_token(c->header, c->claims);
        unsigned perms = 77;
        const char *why = NULL;
        int rc = gw_jwt_verify(a, token, strlen(token), c->now, &perms, &why);
        cr_expect_eq(rc, c->rc, "%s: rc %d, want %d (%s)", c->name, rc, c->rc, why ? why : "-");
        cr_expect_eq(perms, c->perms, "%s: perms %u, want %u", c->name, perms, c->perms);
        free(token);
    }
    gw_auth_free(a);
}

typedef struct aud_case {
    const char *claims;
    int rc;
} aud_case;

static const aud_case aud_cases[] = {
    {"{\"exp\":4102444800,\"aud\":\"midaz-test\"}", 0},
    {"{\"exp\":4102444800,\"aud\":[\"x\",\"midaz-test\"]}", 0},
    {"{\"exp\":4102444800,\"aud\":[1,{\"a\":1},\"midaz-test\"]}", 0},
    {"{\"exp\":4102444800,\"aud\":[]}", -1},
    {"{\"exp\":4102444800,\"aud\":[\"midaz-tes\"]}", -1},
    {"{\"exp\":4102444800,\"aud\":\"Midaz-test\"}", -1},
    {"{\"exp\":4102444800,\"aud\":{\"midaz-test\":true}}", -1},
    {"{\"exp\":4102444800,\"aud\":null}", -1},
    {"{\"exp\":4102444800}", -1},
};

Test(gw_auth, audience_string_or_array)
{
    gw_auth_settings s = {.algorithm = "HS256", .secret = AUTH_TEST_SECRET, .audience = AUTH_TEST_AUDIENCE};
    gw_auth *a = auth_or_die(&s);
    for (size_t i = 0; i < ARRAY_LEN(aud_cases); i++) {
        char *token = hs_token(HDR, aud_cases[i].claims);
        unsigned perms = 0;
        const char *why = NULL;
        int rc = gw_jwt_verify(a, token, strlen(token), NOW, &perms, &why);
        cr_expect_eq(rc, aud_cases[i].rc, "%s: rc %d (%s)", aud_cases[i].claims, rc, why ? why : "-");
        free(token);
    }
    gw_auth_free(a);
}

Test(gw_auth, malformed_compact_serialisations)
{
    gw_auth *a = hs_auth();
    const char *good = AUTH_TEST_HS_WRITE;
    const char *last_dot = strrchr(good, '.');
    char *no_sig = xasprintf("%.*s.", (int)(last_dot - good), good);
    char *two_parts = xasprintf("%.*s", (int)(last_dot - good), good);
    char *four_parts = xasprintf("%s.", good);
    char *padded = xasprintf("%s=", good);
    char *spaced = xasprintf("%.*s %s", 10, good, good + 10);
    char *flipped = xstrdup(good);
    flipped[strlen(flipped) - 2] = flipped[strlen(flipped) - 2] == 'A' ? 'B' : 'A';
    char *huge = xmalloc(GW_AUTH_TOKEN_MAX + 2);
    memset(huge, 'A', GW_AUTH_TOKEN_MAX + 1);
    huge[GW_AUTH_TOKEN_MAX + 1] = '\0';
    huge[10] = '.';
    huge[20] = '.';
    const char *cases[] = {"",         ".",    "..",   "a.b.c", no_sig, two_parts,
                           four_parts, padded, spaced, flipped, huge};

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        unsigned perms = 77;
        const char *why = NULL;
        int rc = gw_jwt_verify(a, cases[i], strlen(cases[i]), NOW, &perms, &why);
        cr_expect_eq(rc, -1, "case %zu accepted", i);
        cr_expect_eq(perms, 0, "case %zu: perms", i);
        cr_expect_not_null(why, "case %zu: a reason", i);
    }
    free(no_sig);
    free(two_parts);
    free(four_parts);
    free(padded);
    free(spaced);
    free(flipped);
    free(huge);
    gw_auth_free(a);
}

/* ---- the request decision ----------------------------------------------------------------------- */

typedef struct check_case {
    const char *name;
    const char *authorization;
    const char *api_key;
    unsigned method;
    gw_auth_result want;
} check_case;

#define BEARER(t) "Bearer " t

static const check_case check_cases[] = {
    {"no header", NULL, NULL, HTTP_M_GET, GW_AUTH_MISSING},
    {"empty headers", "", "", HTTP_M_POST, GW_AUTH_MISSING},
    {"blank headers", "  ", "\t", HTTP_M_GET, GW_AUTH_MISSING},
    {"read token, GET", BEARER(AUTH_TEST_HS_READ), NULL, HTTP_M_GET, GW_AUTH_OK},
    {"read token, HEAD", BEARER(AUTH_TEST_HS_READ), NULL, HTTP_M_HEAD, GW_AUTH_OK},
    {"read token, POST", BEARER(AUTH_TEST_HS_READ), NULL, HTTP_M_POST, GW_AUTH_FORBIDDEN},
    {"read token, PATCH", BEARER(AUTH_TEST_HS_READ), NULL, HTTP_M_PATCH, GW_AUTH_FORBIDDEN},
    {"read token, DELETE", BEARER(AUTH_TEST_HS_READ), NULL, HTTP_M_DELETE, GW_AUTH_FORBIDDEN},
    {"write token, DELETE", BEARER(AUTH_TEST_HS_WRITE), NULL, HTTP_M_DELETE, GW_AUTH_OK},
    {"scheme in lower case", "bearer " AUTH_TEST_HS_WRITE, NULL, HTTP_M_POST, GW_AUTH_OK},
    {"several blanks", "BEARER   " AUTH_TEST_HS_WRITE "  ", NULL, HTTP_M_POST, GW_AUTH_OK},
    {"token without scope, GET", BEARER(AUTH_TEST_HS_NO_SCOPE), NULL, HTTP_M_GET, GW_AUTH_FORBIDDEN},
    {"expired token", BEARER(AUTH_TEST_HS_EXPIRED), NULL, HTTP_M_GET, GW_AUTH_INVALID},
    {"Basic scheme", "Basic dXNlcjpwYXNz", NULL, HTTP_M_GET, GW_AUTH_INVALID},
    {"scheme only", "Bearer", NULL, HTTP_M_GET, GW_AUTH_INVALID},
    {"scheme and blank", "Bearer ", NULL, HTTP_M_GET, GW_AUTH_INVALID},
    {"no blank after the scheme", "Bearer" AUTH_TEST_HS_WRITE, NULL, HTTP_M_GET, GW_AUTH_INVALID},
    {"token without scheme", AUTH_TEST_HS_WRITE, NULL, HTTP_M_GET, GW_AUTH_INVALID},
    {"garbage token", "Bearer garbage", NULL, HTTP_M_GET, GW_AUTH_INVALID},
    {"read key, GET", NULL, "reader-key-0001", HTTP_M_GET, GW_AUTH_OK},
    {"read key, POST", NULL, "reader-key-0001", HTTP_M_POST, GW_AUTH_FORBIDDEN},
    {"write key, PATCH", NULL, "writer-key-0002", HTTP_M_PATCH, GW_AUTH_OK},
    {"key with blanks around", NULL, " writer-key-0002 ", HTTP_M_POST, GW_AUTH_OK},
    {"unknown key", NULL, "nope", HTTP_M_GET, GW_AUTH_INVALID},
    {"valid token, unknown key", BEARER(AUTH_TEST_HS_WRITE), "nope", HTTP_M_GET, GW_AUTH_INVALID},
    {"expired token, valid key", BEARER(AUTH_TEST_HS_EXPIRED), "writer-key-0002", HTTP_M_GET,
     GW_AUTH_INVALID},
    {"read token + write key: union", BEARER(AUTH_TEST_HS_READ), "writer-key-0002", HTTP_M_POST, GW_AUTH_OK},
    {"no-scope token + read key", BEARER(AUTH_TEST_HS_NO_SCOPE), "reader-key-0001", HTTP_M_GET, GW_AUTH_OK},
    {"read token + read key, POST", BEARER(AUTH_TEST_HS_READ), "reader-key-0001", HTTP_M_POST,
     GW_AUTH_FORBIDDEN},
    {"empty Authorization, valid key", "", "reader-key-0001", HTTP_M_GET, GW_AUTH_OK},
};

static const char *result_name(gw_auth_result r)
{
    switch (r) {
    case GW_AUTH_OK:
        return "OK";
    case GW_AUTH_MISSING:
        return "MISSING";
    case GW_AUTH_INVALID:
        return "INVALID";
    case GW_AUTH_FORBIDDEN:
        return "FORBIDDEN";
    }
    return "?";
}

Test(gw_auth, request_decisions)
{
    gw_auth *a = hs_auth();
    for (size_t i = 0; i < ARRAY_LEN(check_cases); i++) {
        const check_case *c = &check_cases[i];
        const char *why = NULL;
        gw_auth_result got = gw_auth_check(a, c->authorization, c->api_key, c->method, NOW, &why);
        cr_expect_eq(got, c->want, "%s: %s, want %s (%s)", c->name, result_name(got), result_name(c->want),
                     why ? why : "-");
        if (got != GW_AUTH_OK)
            cr_expect_not_null(why, "%s: a reason", c->name);
    }
    cr_expect_eq(gw_auth_check(a, NULL, NULL, HTTP_M_GET, NOW, NULL), GW_AUTH_MISSING, "why may be NULL");
    gw_auth_free(a);
}

Test(gw_auth, rs256_request_decisions)
{
    gw_auth *a = rs_auth();
    cr_expect_eq(gw_auth_check(a, BEARER(AUTH_TEST_RS_WRITE), NULL, HTTP_M_POST, NOW, NULL), GW_AUTH_OK);
    cr_expect_eq(gw_auth_check(a, BEARER(AUTH_TEST_RS_READ), NULL, HTTP_M_POST, NOW, NULL),
                 GW_AUTH_FORBIDDEN);
    cr_expect_eq(gw_auth_check(a, BEARER(AUTH_TEST_RS_READ), NULL, HTTP_M_GET, NOW, NULL), GW_AUTH_OK);
    cr_expect_eq(gw_auth_check(a, BEARER(AUTH_TEST_HS_WRITE), NULL, HTTP_M_GET, NOW, NULL), GW_AUTH_INVALID);
    cr_expect_eq(gw_auth_check(a, NULL, "any-key", HTTP_M_GET, NOW, NULL), GW_AUTH_INVALID,
                 "no API key configured: any key is unknown");
    gw_auth_free(a);
}
