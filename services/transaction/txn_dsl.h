/* The /transactions/dsl upload (transactions.md 9.1, 5.1 step 4): the multipart body, its `dsl` file
 * part (filename ending in ".gold", valid UTF-8, no NUL, not empty) and the Gold translation to the JSON
 * model. Pure code: no I/O; what follows step 4 is the /json path. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "errors/errors.h"

/* Step 4 of 5.1 for T4. Returns 0 with *json = the JSON translation (heap, caller frees), or -1 with e =
 * 0048 (not multipart, malformed multipart, no dsl part, wrong filename, invalid UTF-8, NUL byte, Gold
 * lexical/syntax error with line:column, variables) or 0049 (zero-length dsl content). */
int txn_dsl_translate(const char *content_type, const char *body, size_t len, char **json,
                      api_error *e) MUSTCHECK;
