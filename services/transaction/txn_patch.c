/* The PATCH body shared by T10 and O3: one schema and one metadata merge, so the two routes cannot
 * drift apart. Pure code: callers hold the row lock and write the result. */
#include "txn_patch.h"

#include "txn_render.h"

static const json_field txn_patch_fields[] = {
    {.name = "description", .kind = JK_STRING, .max_len = 256},
    {.name = "metadata", .kind = JK_METADATA},
};
const json_schema txn_patch_schema = {txn_patch_fields, ARRAY_LEN(txn_patch_fields)};

char *txn_patch_metadata(arena *a, const char *stored, json_object *body)
{
    json_object *old = txn_json_parse_text(stored);
    json_object *merged = json_metadata_merge(old, json_get(body, "metadata"), json_has(body, "metadata"));
    char *text = arena_strdup(a, json_dump(merged));
    json_object_put(old);
    json_object_put(merged);
    return text;
}
