/* A strict multipart/form-data reader (RFC 7578 over RFC 2046): the boundary from the Content-Type,
 * CRLF-delimited parts, part headers and the Content-Disposition name / filename parameters. Pure code:
 * no I/O; part contents point into the caller's body. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "util/mem.h"

#define MULTIPART_BOUNDARY_MAX 70

typedef struct multipart_part {
    const char *name;     /* Content-Disposition name (arena), NULL when absent */
    const char *filename; /* filename (or decoded filename*) (arena), NULL when absent */
    bool form_data;       /* the part had Content-Disposition: form-data */
    const char *data;     /* content bytes, pointing into the body */
    size_t len;
} multipart_part;

/* The boundary parameter of a multipart/form-data Content-Type (type and parameter names are
 * case-insensitive; the value is a token or a quoted string of 1..70 characters). Returns 0 with out
 * set, or -1 (NULL, another media type, no or bad boundary) with a message in err. */
int multipart_boundary(const char *content_type, char out[MULTIPART_BOUNDARY_MAX + 1], char *err,
                       size_t errcap) MUSTCHECK;

/* Split body into its parts (preamble and epilogue ignored). Every delimiter line must end with CRLF,
 * part headers end at an empty line, a part's content ends at CRLF "--" boundary, and the close
 * delimiter "--" boundary "--" must be present. Returns 0 with *parts (arena array) and *n, or -1 with
 * a message in err. */
int multipart_parse(const char *boundary, const char *body, size_t len, arena *a, multipart_part **parts,
                    size_t *n, char *err, size_t errcap) MUSTCHECK;
