/* Members and member rules every API entity shares (api.md "Status object", "Metadata", "PATCH
 * semantics"): status, metadata and times with their create defaults and PATCH resolution, and what a
 * PATCH does to a text member. Pure rules on parsed bodies: no I/O, no SQL, no HTTP, no service. */
#pragma once
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

/* A status object's effective values. Both strings are heap copies owned by the struct. */
typedef struct entity_status {
    char *code;        /* never NULL once filled */
    char *description; /* NULL = null */
} entity_status;

/* Free both strings and reset them to NULL. NULL accepted. */
void entity_status_clear(entity_status *s);

/* Create: code = status.code when non-empty, else "ACTIVE"; description = a non-empty string or NULL.
 * status may be NULL (absent or null). Fills *out (release it with entity_status_clear); never fails. */
void entity_status_for_create(json_object *status, entity_status *out);

/* PATCH: code absent/null/"" keeps cur_code ("ACTIVE" when that is NULL too); description absent/null
 * keeps cur_description, "" sets NULL, any other string replaces it. status may be NULL (absent or
 * null: keep both). Fills *out (release it with entity_status_clear); never fails. */
void entity_status_for_patch(json_object *status, const char *cur_code, const char *cur_description,
                             entity_status *out);

/* What a PATCH does to one text member (api.md "PATCH semantics" table). */
typedef enum entity_patch_action {
    ENTITY_PATCH_KEEP,     /* absent, "", not a string, or (non-nullable) null: unchanged */
    ENTITY_PATCH_SET_NULL, /* nullable member sent as null */
    ENTITY_PATCH_SET       /* any other string: replaced by *value */
} entity_patch_action;

/* The action of body's member `key` under the PATCH table; *value is the sent string for
 * ENTITY_PATCH_SET (borrowed from body), else NULL. */
entity_patch_action entity_patch_text(json_object *body, const char *key, bool nullable, const char **value);

/* Resolve a PATCH of a text member against its current value cur (may be NULL): a new heap string, or
 * NULL for null. The caller frees it. */
char *entity_patch_text_apply(json_object *body, const char *key, bool nullable, const char *cur);

/* The members every entity row has besides its ids and its own members. Strings and the object are
 * owned by the struct (entity_common_clear). */
typedef struct entity_common {
    char *status_code;        /* never NULL once filled */
    char *status_description; /* NULL = null */
    json_object *metadata;    /* flat object */
    int64_t created_us;
    int64_t updated_us;
    int64_t deleted_us; /* -1 = live */
} entity_common;

/* Free m's members and reset it: zeroed, deleted_us = -1 (live). NULL accepted. */
void entity_common_clear(entity_common *m);

/* The members of a new entity from its create body: status (entity_status_for_create of "status"),
 * metadata (json_metadata_for_create of "metadata"), created = updated = now_us, live. *out must be
 * empty (zeroed or cleared); it owns what is filled in. Never fails. */
void entity_common_for_create(entity_common *out, json_object *body, int64_t now_us);

/* The members of cur after a PATCH body: status (entity_status_for_patch), metadata
 * (json_metadata_merge), cur's created and deleted times, updated = now_us. *next must be empty; it owns
 * new copies (cur is unchanged). Never fails. */
void entity_common_for_patch(entity_common *next, const entity_common *cur, json_object *body,
                             int64_t now_us);
