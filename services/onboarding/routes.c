/* The onboarding service's /v1 route table. Only rows of routes this service owns (api.md "Route
 * ownership") belong here; the operational endpoints are appended by common/service. */
#include "routes.h"

#include "http/http.h"

/* No /v1 route is served yet: every /v1 path answers 404 0484 from the router until the organization
 * and ledger handlers land. The single zero row only keeps the array non-empty (C has no empty arrays)
 * and is never read because the count is 0. */
const route_def onboarding_routes[] = {{0, NULL, NULL}};
const size_t onboarding_routes_count = 0;
