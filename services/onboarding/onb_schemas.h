/* Body schemas of the onboarding write routes, for json_validate / http_body_json_or_reply (body
 * steps 1-6 of api.md "Validation order"). Step 7 (0032) is onb_address_check in onb_rules.h. */
#pragma once
#include "json/json.h"

/* POST /v1/organizations: legalName and legalDocument required; address members with their lengths. */
extern const json_schema onb_org_create_schema;
/* PATCH O: nothing required; legalDocument immutable (0053). */
extern const json_schema onb_org_patch_schema;
/* POST O/ledgers: name required; settings and any other member unknown (0053). */
extern const json_schema onb_ledger_create_schema;
/* PATCH L. */
extern const json_schema onb_ledger_patch_schema;
