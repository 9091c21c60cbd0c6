/* Gold DSL lexer (transactions.md 9.2). At each position every token class is tried and the longest
 * match wins; on equal length a keyword beats INT, which beats ID. It never allocates and never looks at
 * the grammar: the parser decides what a token may be. */
#include "gold_lexer.h"

#include <stdio.h>
#include <string.h>

/* Every quoted literal of the grammar. */
static const char *const gold_keywords[] = {
    "(",
    ")",
    "|",
    "->",
    "transaction",
    "transaction-template",
    "V1",
    "chart-of-accounts-group-name",
    "description",
    "code",
    "pending",
    "true",
    "false",
    "metadata",
    "send",
    "source",
    "distribute",
    "from",
    "to",
    ":remaining",
    ":amount",
    ":share",
    ":of",
    "rate",
    "chart-of-accounts",
};

void gold_lexer_init(gold_lexer *lx, const char *src, size_t len)
{
    lx->src = src;
    lx->len = len;
    lx->pos = 0;
    lx->line = 1;
    lx->col = 1;
}

static bool is_idch(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '/';
}

static bool is_varch(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Move over n bytes, keeping line and column (columns count code points: continuation bytes do not
 * advance it). */
static void advance(gold_lexer *lx, size_t n)
{
    for (size_t i = 0; i < n && lx->pos < lx->len; i++) {
        unsigned char c = (unsigned char)lx->src[lx->pos++];
        if (c == '\n') {
            lx->line++;
            lx->col = 1;
        } else if ((c & 0xC0) != 0x80) {
            lx->col++;
        }
    }
}

static size_t run_length(const gold_lexer *lx, size_t from, bool (*pred)(unsigned char))
{
    size_t i = from;
    while (i < lx->len && pred((unsigned char)lx->src[i]))
        i++;
    return i - from;
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static size_t keyword_length(const gold_lexer *lx)
{
    size_t best = 0;
    size_t rest = lx->len - lx->pos;
    for (size_t k = 0; k < ARRAY_LEN(gold_keywords); k++) {
        size_t kl = strlen(gold_keywords[k]);
        if (kl <= rest && kl > best && memcmp(lx->src + lx->pos, gold_keywords[k], kl) == 0)
            best = kl;
    }
    return best;
}

int gold_lex_next(gold_lexer *lx, gold_token *tok, char *err, size_t errcap)
{
    while (lx->pos < lx->len && is_space((unsigned char)lx->src[lx->pos]))
        advance(lx, 1);
    memset(tok, 0, sizeof(*tok));
    tok->line = lx->line;
    tok->col = lx->col;
    tok->text = lx->src + lx->pos;
    if (lx->pos >= lx->len) {
        tok->kind = GOLD_TOK_EOF;
        return 0;
    }
    unsigned char c = (unsigned char)lx->src[lx->pos];
    if (c == '"') {
        const char *start = lx->src + lx->pos + 1;
        const char *end = memchr(start, '"', lx->len - lx->pos - 1);
        if (!end) {
            snprintf(err, errcap, "%d:%d: unterminated string", tok->line, tok->col);
            advance(lx, lx->len - lx->pos); /* the rest of the input belongs to it */
            return -1;
        }
        tok->kind = GOLD_TOK_STRING;
        tok->text = start;
        tok->len = (size_t)(end - start);
        advance(lx, tok->len + 2);
        return 0;
    }
    if (c == '$') {
        tok->kind = GOLD_TOK_VARIABLE;
        tok->len = 1 + run_length(lx, lx->pos + 1, is_varch);
        advance(lx, tok->len);
        return 0;
    }
    if (c == '@') {
        tok->kind = GOLD_TOK_ACCOUNT;
        tok->len = 1 + run_length(lx, lx->pos + 1, is_idch);
        advance(lx, tok->len);
        return 0;
    }
    size_t kl = keyword_length(lx);
    size_t il = run_length(lx, lx->pos, is_digit);
    size_t dl = run_length(lx, lx->pos, is_idch);
    size_t best = kl > il ? kl : il;
    best = dl > best ? dl : best;
    if (best == 0) {
        if (c >= 0x20 && c < 0x7F)
            snprintf(err, errcap, "%d:%d: unexpected character '%c'", tok->line, tok->col, c);
        else
            snprintf(err, errcap, "%d:%d: unexpected character (byte 0x%02X)", tok->line, tok->col, c);
        /* step over the whole character so a caller may go on scanning */
        advance(lx, 1);
        while (lx->pos < lx->len && ((unsigned char)lx->src[lx->pos] & 0xC0) == 0x80)
            advance(lx, 1);
        return -1;
    }
    if (kl == best)
        tok->kind = GOLD_TOK_KEYWORD;
    else if (il == best)
        tok->kind = GOLD_TOK_INT;
    else
        tok->kind = GOLD_TOK_ID;
    tok->len = best;
    advance(lx, best);
    return 0;
}

bool gold_tok_is(const gold_token *tok, const char *kw)
{
    return tok->kind == GOLD_TOK_KEYWORD && strlen(kw) == tok->len && memcmp(tok->text, kw, tok->len) == 0;
}

void gold_tok_describe(const gold_token *tok, char *out, size_t cap)
{
    size_t cut = tok->len > 40 ? 40 : tok->len;
    /* never cut a UTF-8 sequence: the message ends up in a JSON error body */
    while (cut > 0 && cut < tok->len && ((unsigned char)tok->text[cut] & 0xC0) == 0x80)
        cut--;
    int n = (int)cut;
    const char *more = cut < tok->len ? "..." : "";
    switch (tok->kind) {
    case GOLD_TOK_EOF:
        snprintf(out, cap, "end of input");
        return;
    case GOLD_TOK_KEYWORD:
        snprintf(out, cap, "'%.*s'", n, tok->text);
        return;
    case GOLD_TOK_INT:
        snprintf(out, cap, "integer %.*s%s", n, tok->text, more);
        return;
    case GOLD_TOK_ID:
        snprintf(out, cap, "identifier %.*s%s", n, tok->text, more);
        return;
    case GOLD_TOK_ACCOUNT:
        snprintf(out, cap, "account %.*s%s", n, tok->text, more);
        return;
    case GOLD_TOK_STRING:
        snprintf(out, cap, "string \"%.*s%s\"", n, tok->text, more);
        return;
    case GOLD_TOK_VARIABLE:
        snprintf(out, cap, "variable %.*s%s", n, tok->text, more);
        return;
    }
    snprintf(out, cap, "token");
}
