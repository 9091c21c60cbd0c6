/* The Gold DSL parser (transactions.md 9.2-9.3): a hand-written recursive-descent parser over the
 * tokens of gold_lexer that translates a script into the JSON text of the /transactions/json model.
 * Pure code: no I/O; it checks only the grammar, every field rule is left to the JSON validation. */
#pragma once
#include <stddef.h>

#include "util/mem.h"

#define GOLD_ERR_MAX 256

/* Translate len bytes of a script (valid UTF-8 without NUL, checked by the caller). Returns 0 with
 * *json = compact JSON text (heap, caller frees) whose members follow the grammar's order, or -1 with
 * err = "<line>:<col>: <message>": a VARIABLE anywhere before the first lexical error gives
 * "variables are not supported"; otherwise the first lexical or syntax error. */
int gold_translate(const char *src, size_t len, char **json, char *err, size_t errcap) MUSTCHECK;
