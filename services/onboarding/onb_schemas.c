/* Body schemas of the onboarding write routes (api.md "Organizations", "Ledgers"): the data the
 * common JSON validator runs body steps 1-6 with. Pure data, no code: unit tests run the validator
 * on them directly. */
#include "onb_schemas.h"

/* ---- body schemas (api.md "Organizations") ---------------------------------------------------- */

static const json_field org_address_fields[] = {
    {.name = "line1", .kind = JK_STRING, .max_len = 256},
    {.name = "line2", .kind = JK_STRING, .flags = JF_NULLABLE, .max_len = 256},
    {.name = "zipCode", .kind = JK_STRING, .max_len = 20},
    {.name = "city", .kind = JK_STRING, .max_len = 100},
    {.name = "state", .kind = JK_STRING, .max_len = 100},
    {.name = "country", .kind = JK_STRING}, /* Appendix A, checked as 0032 (step 7) */
    {.name = "description", .kind = JK_STRING, .flags = JF_NULLABLE, .max_len = 100},
};
static const json_schema org_address_schema = {org_address_fields, ARRAY_LEN(org_address_fields)};

static const json_field org_create_fields[] = {
    {.name = "legalName", .kind = JK_STRING, .flags = JF_REQUIRED, .min_len = 1, .max_len = 256},
    {.name = "legalDocument", .kind = JK_STRING, .flags = JF_REQUIRED, .min_len = 1, .max_len = 256},
    {.name = "doingBusinessAs", .kind = JK_STRING, .flags = JF_NULLABLE, .max_len = 256},
    {.name = "parentOrganizationId", .kind = JK_STRING, .flags = JF_NULLABLE | JF_UUID},
    {.name = "address", .kind = JK_OBJECT, .flags = JF_NULLABLE, .sub = &org_address_schema},
    {.name = "status", .kind = JK_STATUS},
    {.name = "metadata", .kind = JK_METADATA},
};
const json_schema onb_org_create_schema = {org_create_fields, ARRAY_LEN(org_create_fields)};

static const json_field org_patch_fields[] = {
    {.name = "legalName", .kind = JK_STRING, .min_len = 1, .max_len = 256},
    {.name = "legalDocument", .kind = JK_ANY, .flags = JF_IMMUTABLE}, /* 0053 whatever its value */
    {.name = "doingBusinessAs", .kind = JK_STRING, .flags = JF_NULLABLE, .max_len = 256},
    {.name = "parentOrganizationId", .kind = JK_STRING, .flags = JF_NULLABLE | JF_UUID},
    {.name = "address", .kind = JK_OBJECT, .flags = JF_NULLABLE, .sub = &org_address_schema},
    {.name = "status", .kind = JK_STATUS},
    {.name = "metadata", .kind = JK_METADATA},
};
const json_schema onb_org_patch_schema = {org_patch_fields, ARRAY_LEN(org_patch_fields)};

/* ---- body schemas (api.md "Ledgers"; settings and anything else -> 0053) ------------------------ */

static const json_field ledger_create_fields[] = {
    {.name = "name", .kind = JK_STRING, .flags = JF_REQUIRED, .min_len = 1, .max_len = 256},
    {.name = "status", .kind = JK_STATUS},
    {.name = "metadata", .kind = JK_METADATA},
};
const json_schema onb_ledger_create_schema = {ledger_create_fields, ARRAY_LEN(ledger_create_fields)};

static const json_field ledger_patch_fields[] = {
    {.name = "name", .kind = JK_STRING, .min_len = 1, .max_len = 256},
    {.name = "status", .kind = JK_STATUS},
    {.name = "metadata", .kind = JK_METADATA},
};
const json_schema onb_ledger_patch_schema = {ledger_patch_fields, ARRAY_LEN(ledger_patch_fields)};

