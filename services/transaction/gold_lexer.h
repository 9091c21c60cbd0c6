/* The lexer of the Gold DSL (transactions.md 9.2): longest match, keyword > INT > ID on equal length,
 * whitespace-separated, no comments, with the 1-based line and column (code points) of every token.
 * Pure code: no I/O, no allocation; tokens point into the caller's text. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "util/mem.h"

typedef enum gold_tok_kind {
    GOLD_TOK_EOF,
    GOLD_TOK_KEYWORD, /* every quoted literal of the grammar, "(" ")" "|" "->" included */
    GOLD_TOK_INT,     /* digit { digit } */
    GOLD_TOK_ID,      /* idch { idch }, idch = A-Z a-z 0-9 _ - / */
    GOLD_TOK_ACCOUNT, /* "@" { idch } */
    GOLD_TOK_STRING,  /* '"' ... '"'; text excludes the quotes */
    GOLD_TOK_VARIABLE /* "$" { A-Z a-z 0-9 _ - }: always refused by the parser */
} gold_tok_kind;

typedef struct gold_token {
    gold_tok_kind kind;
    const char *text; /* points into the source; for STRING the content between the quotes */
    size_t len;
    int line; /* 1-based */
    int col;  /* 1-based, in code points */
} gold_token;

typedef struct gold_lexer {
    const char *src;
    size_t len;
    size_t pos;
    int line;
    int col;
} gold_lexer;

/* Start lexing len bytes of src (not necessarily NUL-terminated). */
void gold_lexer_init(gold_lexer *lx, const char *src, size_t len);

/* The next token into *tok (GOLD_TOK_EOF at the end, repeatedly). Returns 0, or -1 on a lexical error
 * (unterminated string, unexpected character) with err = "<line>:<col>: <message>"; the lexer has then
 * moved past the offending character (an unterminated string takes the rest of the input), so scanning
 * may go on. */
int gold_lex_next(gold_lexer *lx, gold_token *tok, char *err, size_t errcap) MUSTCHECK;

/* True when tok is the keyword kw. */
bool gold_tok_is(const gold_token *tok, const char *kw);

/* Short printable description of a token for messages: "'send'", "integer 120", "end of input". */
void gold_tok_describe(const gold_token *tok, char *out, size_t cap);
