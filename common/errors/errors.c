/* The error catalogue as data, and the api_error envelope. Pure code. */
#include "errors/errors.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const err_def err_table[ERR__COUNT] = {
    [ERR_NONE] = {NULL, 0, NULL},
#define ERR(name, code, status, title) [ERR_##name] = {code, status, title},
#include "errors/errors_table.h"
#undef ERR
};

const err_def *err_get(err_id id)
{
    if (id <= ERR_NONE || id >= ERR__COUNT)
        return NULL;
    return &err_table[id];
}

err_id err_by_code(const char *code)
{
    if (!code)
        return ERR_NONE;
    for (int i = ERR_NONE + 1; i < ERR__COUNT; i++)
        if (strcmp(err_table[i].code, code) == 0)
            return (err_id)i;
    return ERR_NONE;
}

size_t err_count(void)
{
    return ERR__COUNT - 1;
}

int api_error_set(api_error *e, err_id id, const char *fmt, ...)
{
    e->id = id;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    va_end(ap);
    return -1;
}

static json_object *fields_of(api_error *e)
{
    if (!e->fields)
        e->fields = json_object_new_object();
    return e->fields;
}

void api_error_field(api_error *e, const char *path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    json_object_object_add(fields_of(e), path, json_object_new_string(msg));
}

void api_error_field_value(api_error *e, const char *path, json_object *value)
{
    json_object_object_add(fields_of(e), path, value ? json_object_get(value) : NULL);
}

void api_error_clear(api_error *e)
{
    if (!e)
        return;
    json_object_put(e->fields);
    memset(e, 0, sizeof(*e));
}

bool api_error_is_set(const api_error *e)
{
    return e->id != ERR_NONE;
}

/* api.md "Envelope": `fields` appears on these codes only. Enforced here, in the one place every
 * envelope is built, so a caller that attached fields to another code cannot leak them. */
static bool err_carries_fields(err_id id)
{
    static const err_id with_fields[] = {
        ERR_MISSING_FIELDS,           ERR_BAD_REQUEST,
        ERR_METADATA_KEY_LENGTH,      ERR_METADATA_VALUE_LENGTH,
        ERR_UNEXPECTED_FIELDS,        ERR_INVALID_PATH_PARAMETER,
        ERR_INVALID_METADATA_NESTING, ERR_INVALID_QUERY_PARAMETER,
    };
    for (size_t i = 0; i < ARRAY_LEN(with_fields); i++)
        if (with_fields[i] == id)
            return true;
    return false;
}

json_object *api_error_to_json(const api_error *e)
{
    const err_def *d = err_get(e->id);
    if (!d)
        d = err_get(ERR_INTERNAL);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "code", json_object_new_string(d->code));
    json_object_object_add(o, "title", json_object_new_string(d->title));
    bool server = d->status >= 500;
    const char *msg = server ? "internal error" : (e->message[0] ? e->message : d->title);
    json_object_object_add(o, "message", json_object_new_string(msg));
    if (e->id == ERR_ENTITY_NOT_FOUND && e->entity_type)
        json_object_object_add(o, "entityType", json_object_new_string(e->entity_type));
    if (!server && e->fields && err_carries_fields(e->id))
        json_object_object_add(o, "fields", json_object_get(e->fields));
    return o;
}
