/* The API error catalogue (errors_table.h) and the api_error value handlers fill in and reply with.
 * Pure code: no I/O. Every 5xx error renders the message "internal error" whatever was set. */
#pragma once
#include <json-c/json.h>
#include <stdbool.h>

#include "util/mem.h"

typedef enum err_id {
    ERR_NONE = 0,
#define ERR(name, code, status, title) ERR_##name,
#include "errors/errors_table.h"
#undef ERR
    ERR__COUNT
} err_id;

typedef struct err_def {
    const char *code;  /* "0009" */
    int status;        /* 400 */
    const char *title; /* "Missing Fields in Request" */
} err_def;

/* Definition of an id (never NULL for ERR_NONE < id < ERR__COUNT; NULL otherwise). */
const err_def *err_get(err_id id);
/* Id of a catalogue code string ("0009"), or ERR_NONE when unknown. */
err_id err_by_code(const char *code);
/* Number of catalogue entries (ERR__COUNT - 1). */
size_t err_count(void);

/* One error about to be returned to a client. Zero-initialise; api_error_clear releases it. */
typedef struct api_error {
    err_id id;
    char message[512];
    json_object *fields;      /* object or NULL; owned */
    const char *entity_type;  /* only for ERR_ENTITY_NOT_FOUND, static string */
} api_error;

/* Set id and a human message (printf-like). Returns -1 so handlers can `return api_error_set(...)`. */
int api_error_set(api_error *e, err_id id, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* Add fields[path] = message (string). */
void api_error_field(api_error *e, const char *path, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* Add fields[path] = value (json value, reference taken; used by 0053 where the value sent is shown). */
void api_error_field_value(api_error *e, const char *path, json_object *value);
void api_error_clear(api_error *e);
bool api_error_is_set(const api_error *e);
/* The envelope {"code","title","message"[,"entityType"][,"fields"]}; new reference for the caller.
 * fields are emitted only for 0009, 0047, 0050, 0051, 0053, 0065, 0067 and 0082 (api.md "Envelope"),
 * whatever the caller set; 5xx: message is "internal error" (and no fields). */
json_object *api_error_to_json(const api_error *e);
