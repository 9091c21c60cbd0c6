/* The members, status-object and text PATCH rules shared by every API entity (see entity.h). It reads
 * parsed bodies only: it must stay free of I/O, SQL, HTTP and any service's own member rules. */
#include "entity/entity.h"

#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "util/mem.h"

/* The status code of an entity created without one (api.md "Status object"). */
#define ENTITY_STATUS_DEFAULT "ACTIVE"

void entity_status_clear(entity_status *s)
{
    if (!s)
        return;
    free(s->code);
    free(s->description);
    s->code = NULL;
    s->description = NULL;
}

void entity_status_for_create(json_object *status, entity_status *out)
{
    const char *code = json_get_text(status, "code");
    const char *desc = json_get_text(status, "description");

    out->code = xstrdup(code ? code : ENTITY_STATUS_DEFAULT);
    out->description = desc ? xstrdup(desc) : NULL;
}

void entity_status_for_patch(json_object *status, const char *cur_code, const char *cur_description,
                             entity_status *out)
{
    const char *code = json_get_text(status, "code");
    json_object *desc = json_get(status, "description"); /* NULL when absent or null: keep */

    out->code = xstrdup(code ? code : (cur_code ? cur_code : ENTITY_STATUS_DEFAULT));
    if (!desc)
        out->description = cur_description ? xstrdup(cur_description) : NULL;
    else if (json_object_get_string_len(desc) == 0)
        out->description = NULL;
    else
        out->description = xstrdup(json_object_get_string(desc));
}

entity_patch_action entity_patch_text(json_object *body, const char *key, bool nullable, const char **value)
{
    json_object *v = NULL;

    *value = NULL;
    if (!json_has(body, key))
        return ENTITY_PATCH_KEEP;
    if (json_is_null_member(body, key))
        return nullable ? ENTITY_PATCH_SET_NULL : ENTITY_PATCH_KEEP;
    v = json_get(body, key);
    if (!json_object_is_type(v, json_type_string) || json_object_get_string_len(v) == 0)
        return ENTITY_PATCH_KEEP;
    *value = json_object_get_string(v);
    return ENTITY_PATCH_SET;
}

char *entity_patch_text_apply(json_object *body, const char *key, bool nullable, const char *cur)
{
    const char *value = NULL;

    switch (entity_patch_text(body, key, nullable, &value)) {
    case ENTITY_PATCH_KEEP:
        return cur ? xstrdup(cur) : NULL;
    case ENTITY_PATCH_SET_NULL:
        return NULL;
    case ENTITY_PATCH_SET:
        return xstrdup(value);
    }
    return cur ? xstrdup(cur) : NULL;
}

void entity_common_clear(entity_common *m)
{
    if (!m)
        return;
    free(m->status_code);
    free(m->status_description);
    json_object_put(m->metadata);
    memset(m, 0, sizeof(*m));
    m->deleted_us = -1;
}

void entity_common_for_create(entity_common *out, json_object *body, int64_t now_us)
{
    entity_status status = {0};

    entity_status_for_create(json_get(body, "status"), &status);
    out->status_code = status.code;
    out->status_description = status.description;
    out->metadata = json_metadata_for_create(json_get(body, "metadata"));
    out->created_us = out->updated_us = now_us;
    out->deleted_us = -1;
}

void entity_common_for_patch(entity_common *next, const entity_common *cur, json_object *body, int64_t now_us)
{
    entity_status status = {0};

    entity_status_for_patch(json_get(body, "status"), cur->status_code, cur->status_description, &status);
    next->status_code = status.code;
    next->status_description = status.description;
    next->metadata =
        json_metadata_merge(cur->metadata, json_get(body, "metadata"), json_has(body, "metadata"));
    next->created_us = cur->created_us;
    next->updated_us = now_us;
    next->deleted_us = cur->deleted_us;
}
