/* The onboarding service's /v1 route table (organizations, ledgers). Declarations only: handlers live in
 * their resource files, the rows in routes.c. */
#pragma once
#include <stddef.h>

#include "http/router.h"

/* Rows whose data is a `const http_route *`; onboarding_routes_count may be 0. */
extern const route_def onboarding_routes[];
extern const size_t onboarding_routes_count;
