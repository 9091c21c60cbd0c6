/* The Redis balance cache (transactions.md 13): entries tagged with (version, updatedAt), written after
 * commit with a compare-and-set that never replaces a newer state, deleted when a write fails. It serves
 * GET-by-id reads only; validation never reads it. Every function tolerates Redis being down. */
#pragma once
#include "cache/cache.h"
#include "txn_model.h"

/* Store the committed state of b unless the entry holds a newer one; on failure delete the entry. */
void balance_cache_put(cache *c, const balance_row *b);
/* Replace the entry by a tombstone for a deleted balance (same compare-and-set rule). */
void balance_cache_tombstone(cache *c, const balance_row *b);
/* The cached JSON of a live balance (heap, caller frees), or NULL on a miss, a tombstone or Redis down. */
char *balance_cache_get(cache *c, const char *balance_id);
