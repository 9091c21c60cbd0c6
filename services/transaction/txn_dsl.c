/* The DSL upload of transactions.md 9.1: multipart framing, the choice of the `dsl` part, the byte-level
 * checks of the script and its Gold translation. It returns JSON text only: validation and execution
 * are the /json path's, from step 6 of 5.1. */
#include "txn_dsl.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "gold_parser.h"
#include "multipart.h"
#include "util/mem.h"
#include "util/utf8.h"

#define DSL_FIELD "dsl"
#define DSL_SUFFIX ".gold"

static bool ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lf = strlen(suffix);
    return ls >= lf && memcmp(s + ls - lf, suffix, lf) == 0;
}

int txn_dsl_translate(const char *content_type, const char *body, size_t len, char **json, api_error *e)
{
    char boundary[MULTIPART_BOUNDARY_MAX + 1];
    char err[GOLD_ERR_MAX];
    arena *a = arena_new();
    multipart_part *parts = NULL;
    const multipart_part *dsl = NULL;
    size_t n = 0;
    int rc = -1;

    *json = NULL;
    if (multipart_boundary(content_type, boundary, err, sizeof(err)) < 0 ||
        multipart_parse(boundary, body, len, a, &parts, &n, err, sizeof(err)) < 0) {
        api_error_set(e, ERR_INVALID_DSL_FORMAT, "%s", err);
        goto cleanup;
    }
    for (size_t i = 0; i < n && !dsl; i++)
        if (parts[i].form_data && parts[i].name && strcmp(parts[i].name, DSL_FIELD) == 0)
            dsl = &parts[i];
    if (!dsl) {
        api_error_set(e, ERR_INVALID_DSL_FORMAT, "the multipart body has no file part named \"dsl\"");
        goto cleanup;
    }
    if (!dsl->filename || !ends_with(dsl->filename, DSL_SUFFIX)) {
        api_error_set(e, ERR_INVALID_DSL_FORMAT, "the dsl file name must end with \".gold\"");
        goto cleanup;
    }
    if (dsl->len == 0) {
        api_error_set(e, ERR_EMPTY_DSL_FILE, "the dsl file is empty");
        goto cleanup;
    }
    if (memchr(dsl->data, '\0', dsl->len)) {
        api_error_set(e, ERR_INVALID_DSL_FORMAT, "the dsl file contains a NUL byte");
        goto cleanup;
    }
    if (!utf8_valid(dsl->data, dsl->len)) {
        api_error_set(e, ERR_INVALID_DSL_FORMAT, "the dsl file is not valid UTF-8");
        goto cleanup;
    }
    if (gold_translate(dsl->data, dsl->len, json, err, sizeof(err)) < 0) {
        api_error_set(e, ERR_INVALID_DSL_FORMAT, "%s", err);
        goto cleanup;
    }
    rc = 0;
cleanup:
    arena_free(a);
    return rc;
}
