/* HTTP handlers of the segment routes (api.md "Segments") and the segment's JSON representation.
 * Handlers validate, run one transaction with the outbox event, and reply; no SQL here. */
#pragma once
#include <json-c/json.h>

#include "http/http.h"
#include "store_segment.h"

/* The representation GET returns. New reference for the caller. */
json_object *pf_segment_to_json(const pf_segment *s);

void segment_create(http_request *r); /* POST L/segments */
void segment_list(http_request *r);   /* GET L/segments */
void segment_get(http_request *r);    /* GET L/segments/{segment_id} */
void segment_patch(http_request *r);  /* PATCH L/segments/{segment_id} */
void segment_delete(http_request *r); /* DELETE L/segments/{segment_id} (never blocks) */
void segment_count(http_request *r);  /* HEAD L/segments/metrics/count */
