/* The gateway's API documentation endpoints: GET /v1/openapi.json (the OpenAPI document embedded at
 * build time) and GET /docs (a self-contained HTML page rendering it; no CDN, no network besides the
 * page's own fetch of /v1/openapi.json). */
#pragma once
#include "http/http.h"

/* 200 application/json with the embedded document (build/gen/openapi_doc.c). */
void docs_handle_openapi(http_request *r);
/* 200 text/html; charset=utf-8 with the documentation page. */
void docs_handle_page(http_request *r);
