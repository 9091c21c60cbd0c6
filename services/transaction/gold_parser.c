/* Recursive-descent parser of the Gold DSL (transactions.md 9.2) emitting the JSON model of 9.3 as it
 * goes. One function per grammar rule; each returns 0 or -1 with the first error (line:column) stored.
 * It never validates amounts, lengths or aliases: the JSON path does, exactly as for /json. */
#include "gold_parser.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gold_lexer.h"

typedef struct gold_parser {
    gold_token *toks;
    size_t n;
    size_t pos;
    strbuf out;
    char *err;
    size_t errcap;
} gold_parser;

/* ---- token stream -------------------------------------------------------------------------------- */

static const gold_token *peek(const gold_parser *p, size_t ahead)
{
    size_t i = p->pos + ahead;
    return &p->toks[i < p->n ? i : p->n - 1]; /* the last token is always EOF */
}

static const gold_token *take(gold_parser *p)
{
    const gold_token *t = peek(p, 0);
    if (p->pos < p->n - 1)
        p->pos++;
    return t;
}

static int fail_at(gold_parser *p, const gold_token *t, const char *expected)
{
    char found[96];
    gold_tok_describe(t, found, sizeof(found));
    snprintf(p->err, p->errcap, "%d:%d: expected %s, found %s", t->line, t->col, expected, found);
    return -1;
}

static int expect_kw(gold_parser *p, const char *kw)
{
    const gold_token *t = peek(p, 0);
    if (!gold_tok_is(t, kw)) {
        char what[64];
        snprintf(what, sizeof(what), "'%s'", kw);
        return fail_at(p, t, what);
    }
    take(p);
    return 0;
}

static int expect_kind(gold_parser *p, gold_tok_kind kind, const char *what, const gold_token **out)
{
    const gold_token *t = peek(p, 0);
    if (t->kind != kind)
        return fail_at(p, t, what);
    *out = take(p);
    return 0;
}

/* "(" followed by the keyword kw: an optional clause starts here. */
static bool clause_is(const gold_parser *p, const char *kw)
{
    return gold_tok_is(peek(p, 0), "(") && gold_tok_is(peek(p, 1), kw);
}

/* ---- JSON output --------------------------------------------------------------------------------- */

static void put_json_string(strbuf *sb, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    strbuf_putc(sb, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':
            strbuf_puts(sb, "\\\"");
            break;
        case '\\':
            strbuf_puts(sb, "\\\\");
            break;
        case '\n':
            strbuf_puts(sb, "\\n");
            break;
        case '\r':
            strbuf_puts(sb, "\\r");
            break;
        case '\t':
            strbuf_puts(sb, "\\t");
            break;
        default:
            if (c < 0x20) {
                char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], '\0'};
                strbuf_puts(sb, u);
            } else {
                strbuf_putc(sb, (char)c);
            }
        }
    }
    strbuf_putc(sb, '"');
}

static void put_tok_string(strbuf *sb, const gold_token *t)
{
    put_json_string(sb, t->text, t->len);
}

/* An INT token without its leading zeros ("0120" -> 120, "000" -> 0). */
static void put_int_digits(strbuf *sb, const gold_token *t)
{
    size_t i = 0;
    while (i + 1 < t->len && t->text[i] == '0')
        i++;
    strbuf_append(sb, t->text + i, t->len - i);
}

/* ---- grammar ----------------------------------------------------------------------------------------- */

/* number = INT "|" INT; emits the value as a JSON string (the scale is ignored, 9.3). */
static int parse_number(gold_parser *p)
{
    const gold_token *v = NULL, *s = NULL;
    if (expect_kind(p, GOLD_TOK_INT, "an integer value", &v) < 0 || expect_kw(p, "|") < 0 ||
        expect_kind(p, GOLD_TOK_INT, "an integer scale after '|'", &s) < 0)
        return -1;
    strbuf_putc(&p->out, '"');
    put_int_digits(&p->out, v);
    strbuf_putc(&p->out, '"');
    return 0;
}

static bool word_equal(const gold_token *a, const gold_token *b)
{
    return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
}

/* metadata = "(" "metadata" pair { pair } ")"; pair = "(" word word ")"; values are strings. */
static int parse_metadata(gold_parser *p)
{
    const gold_token **keys = NULL;
    size_t nkeys = 0;
    int rc = -1;

    if (expect_kw(p, "(") < 0 || expect_kw(p, "metadata") < 0)
        goto cleanup;
    strbuf_puts(&p->out, "\"metadata\":{");
    do {
        const gold_token *k = NULL, *v = NULL;
        if (expect_kw(p, "(") < 0)
            goto cleanup;
        k = peek(p, 0);
        if (k->kind != GOLD_TOK_ID && k->kind != GOLD_TOK_INT) {
            fail_at(p, k, "a metadata key (identifier or integer)");
            goto cleanup;
        }
        take(p);
        v = peek(p, 0);
        if (v->kind != GOLD_TOK_ID && v->kind != GOLD_TOK_INT) {
            fail_at(p, v, "a metadata value (identifier or integer)");
            goto cleanup;
        }
        take(p);
        if (expect_kw(p, ")") < 0)
            goto cleanup;
        for (size_t i = 0; i < nkeys; i++) {
            if (word_equal(keys[i], k)) {
                snprintf(p->err, p->errcap, "%d:%d: duplicate metadata key %.*s", k->line, k->col,
                         (int)(k->len > 100 ? 100 : k->len), k->text);
                goto cleanup;
            }
        }
        keys = xrealloc(keys, (nkeys + 1) * sizeof(*keys));
        keys[nkeys++] = k;
        if (nkeys > 1)
            strbuf_putc(&p->out, ',');
        put_tok_string(&p->out, k);
        strbuf_putc(&p->out, ':');
        put_tok_string(&p->out, v);
    } while (gold_tok_is(peek(p, 0), "("));
    if (expect_kw(p, ")") < 0)
        goto cleanup;
    strbuf_putc(&p->out, '}');
    rc = 0;
cleanup:
    free(keys);
    return rc;
}

/* "(" kw STRING ")" as "member":"text". */
static int parse_string_clause(gold_parser *p, const char *kw, const char *member)
{
    const gold_token *s = NULL;
    if (expect_kw(p, "(") < 0 || expect_kw(p, kw) < 0 ||
        expect_kind(p, GOLD_TOK_STRING, "a string", &s) < 0 || expect_kw(p, ")") < 0)
        return -1;
    strbuf_printf(&p->out, "\"%s\":", member);
    put_tok_string(&p->out, s);
    return 0;
}

/* "(" kw ID ")" as "member":"ID". */
static int parse_id_clause(gold_parser *p, const char *kw, const char *member)
{
    const gold_token *s = NULL;
    if (expect_kw(p, "(") < 0 || expect_kw(p, kw) < 0 ||
        expect_kind(p, GOLD_TOK_ID, "an identifier", &s) < 0 || expect_kw(p, ")") < 0)
        return -1;
    strbuf_printf(&p->out, "\"%s\":", member);
    put_tok_string(&p->out, s);
    return 0;
}

/* portion = ":amount" ID number | ":share" INT [ ":of" INT ] | ":remaining" */
static int parse_portion(gold_parser *p)
{
    const gold_token *t = peek(p, 0);
    const gold_token *x = NULL;
    if (gold_tok_is(t, ":amount")) {
        take(p);
        if (expect_kind(p, GOLD_TOK_ID, "an asset code", &x) < 0)
            return -1;
        strbuf_puts(&p->out, "\"amount\":{\"asset\":");
        put_tok_string(&p->out, x);
        strbuf_puts(&p->out, ",\"value\":");
        if (parse_number(p) < 0)
            return -1;
        strbuf_putc(&p->out, '}');
        return 0;
    }
    if (gold_tok_is(t, ":share")) {
        take(p);
        if (expect_kind(p, GOLD_TOK_INT, "an integer percentage", &x) < 0)
            return -1;
        strbuf_puts(&p->out, "\"share\":{\"percentage\":");
        put_int_digits(&p->out, x);
        if (gold_tok_is(peek(p, 0), ":of")) {
            take(p);
            if (expect_kind(p, GOLD_TOK_INT, "an integer percentage after ':of'", &x) < 0)
                return -1;
            strbuf_puts(&p->out, ",\"percentageOfPercentage\":");
            put_int_digits(&p->out, x);
        }
        strbuf_putc(&p->out, '}');
        return 0;
    }
    if (gold_tok_is(t, ":remaining")) {
        take(p);
        strbuf_puts(&p->out, "\"remaining\":\"remaining\"");
        return 0;
    }
    return fail_at(p, t, "':amount', ':share' or ':remaining'");
}

/* rate = "(" "rate" ID ID "->" ID number ")" */
static int parse_rate(gold_parser *p)
{
    const gold_token *ext = NULL, *from = NULL, *to = NULL;
    if (expect_kw(p, "(") < 0 || expect_kw(p, "rate") < 0 ||
        expect_kind(p, GOLD_TOK_ID, "a rate external id", &ext) < 0 ||
        expect_kind(p, GOLD_TOK_ID, "a rate source asset", &from) < 0 || expect_kw(p, "->") < 0 ||
        expect_kind(p, GOLD_TOK_ID, "a rate target asset", &to) < 0)
        return -1;
    strbuf_puts(&p->out, "\"rate\":{\"externalId\":");
    put_tok_string(&p->out, ext);
    strbuf_puts(&p->out, ",\"from\":");
    put_tok_string(&p->out, from);
    strbuf_puts(&p->out, ",\"to\":");
    put_tok_string(&p->out, to);
    strbuf_puts(&p->out, ",\"value\":");
    if (parse_number(p) < 0 || expect_kw(p, ")") < 0)
        return -1;
    strbuf_putc(&p->out, '}');
    return 0;
}

/* from / to = "(" kw account portion [rate] [description] [leg-coa] [metadata] ")" */
static int parse_leg(gold_parser *p, const char *kw)
{
    const gold_token *acc = NULL;
    if (expect_kw(p, "(") < 0 || expect_kw(p, kw) < 0)
        return -1;
    acc = peek(p, 0);
    if (acc->kind != GOLD_TOK_ACCOUNT && acc->kind != GOLD_TOK_ID)
        return fail_at(p, acc, "an account (@alias or identifier)");
    take(p);
    strbuf_puts(&p->out, "{\"accountAlias\":");
    put_tok_string(&p->out, acc);
    strbuf_putc(&p->out, ',');
    if (parse_portion(p) < 0)
        return -1;
    if (clause_is(p, "rate")) {
        strbuf_putc(&p->out, ',');
        if (parse_rate(p) < 0)
            return -1;
    }
    if (clause_is(p, "description")) {
        strbuf_putc(&p->out, ',');
        if (parse_string_clause(p, "description", "description") < 0)
            return -1;
    }
    if (clause_is(p, "chart-of-accounts")) {
        strbuf_putc(&p->out, ',');
        if (parse_id_clause(p, "chart-of-accounts", "chartOfAccounts") < 0)
            return -1;
    }
    if (clause_is(p, "metadata")) {
        strbuf_putc(&p->out, ',');
        if (parse_metadata(p) < 0)
            return -1;
    }
    if (!gold_tok_is(peek(p, 0), ")"))
        return fail_at(p, peek(p, 0), "'(rate', '(description', '(chart-of-accounts', '(metadata' or ')'");
    take(p);
    strbuf_putc(&p->out, '}');
    return 0;
}

/* source / distribute = "(" kw [":remaining"] leg { leg } ")" */
static int parse_side(gold_parser *p, const char *kw, const char *leg_kw, const char *member, const char *arr)
{
    size_t count = 0;
    if (expect_kw(p, "(") < 0 || expect_kw(p, kw) < 0)
        return -1;
    if (gold_tok_is(peek(p, 0), ":remaining"))
        take(p); /* accepted, no effect (9.3) */
    strbuf_printf(&p->out, "\"%s\":{\"%s\":[", member, arr);
    do {
        if (!clause_is(p, leg_kw)) {
            char what[32];
            snprintf(what, sizeof(what), "'(%s'", leg_kw);
            /* point at the keyword after "(" when there is one */
            return fail_at(p, gold_tok_is(peek(p, 0), "(") ? peek(p, 1) : peek(p, 0), what);
        }
        if (count++ > 0)
            strbuf_putc(&p->out, ',');
        if (parse_leg(p, leg_kw) < 0)
            return -1;
    } while (!gold_tok_is(peek(p, 0), ")"));
    take(p);
    strbuf_puts(&p->out, "]}");
    return 0;
}

/* send = "(" "send" ID number source distribute ")" */
static int parse_send(gold_parser *p)
{
    const gold_token *asset = NULL;
    if (expect_kw(p, "(") < 0 || expect_kw(p, "send") < 0 ||
        expect_kind(p, GOLD_TOK_ID, "an asset code", &asset) < 0)
        return -1;
    strbuf_puts(&p->out, "\"send\":{\"asset\":");
    put_tok_string(&p->out, asset);
    strbuf_puts(&p->out, ",\"value\":");
    if (parse_number(p) < 0)
        return -1;
    strbuf_putc(&p->out, ',');
    if (parse_side(p, "source", "from", "source", "from") < 0)
        return -1;
    strbuf_putc(&p->out, ',');
    if (parse_side(p, "distribute", "to", "distribute", "to") < 0)
        return -1;
    if (expect_kw(p, ")") < 0)
        return -1;
    strbuf_putc(&p->out, '}');
    return 0;
}

/* script = "(" ("transaction" | "transaction-template") "V1" coa-group [description] [code] [pending]
 *          [metadata] send ")" */
static int parse_script(gold_parser *p)
{
    const gold_token *t = NULL;
    if (expect_kw(p, "(") < 0)
        return -1;
    t = peek(p, 0);
    if (!gold_tok_is(t, "transaction") && !gold_tok_is(t, "transaction-template"))
        return fail_at(p, t, "'transaction' or 'transaction-template'");
    take(p);
    if (expect_kw(p, "V1") < 0)
        return -1;
    strbuf_putc(&p->out, '{');
    if (parse_id_clause(p, "chart-of-accounts-group-name", "chartOfAccountsGroupName") < 0)
        return -1;
    if (clause_is(p, "description")) {
        strbuf_putc(&p->out, ',');
        if (parse_string_clause(p, "description", "description") < 0)
            return -1;
    }
    if (clause_is(p, "code")) {
        strbuf_putc(&p->out, ',');
        if (parse_id_clause(p, "code", "code") < 0)
            return -1;
    }
    if (clause_is(p, "pending")) {
        take(p);
        take(p);
        t = peek(p, 0);
        if (!gold_tok_is(t, "true") && !gold_tok_is(t, "false"))
            return fail_at(p, t, "'true' or 'false'");
        take(p);
        strbuf_printf(&p->out, ",\"pending\":%s", gold_tok_is(t, "true") ? "true" : "false");
        if (expect_kw(p, ")") < 0)
            return -1;
    }
    if (clause_is(p, "metadata")) {
        strbuf_putc(&p->out, ',');
        if (parse_metadata(p) < 0)
            return -1;
    }
    if (!clause_is(p, "send")) {
        const gold_token *at = gold_tok_is(peek(p, 0), "(") ? peek(p, 1) : peek(p, 0);
        return fail_at(p, at,
                       "'(send' (optional clauses come in the order description, code, pending, "
                       "metadata)");
    }
    strbuf_putc(&p->out, ',');
    if (parse_send(p) < 0 || expect_kw(p, ")") < 0)
        return -1;
    strbuf_putc(&p->out, '}');
    t = peek(p, 0);
    if (t->kind != GOLD_TOK_EOF)
        return fail_at(p, t, "end of input after the closing ')'");
    return 0;
}

/* Lex the whole input first, so that a variable anywhere is reported as such (it wins over every other
 * error); otherwise the first lexical error is reported. */
static int lex_all(gold_parser *p, const char *src, size_t len)
{
    gold_lexer lx;
    size_t cap = 0;
    char lexerr[GOLD_ERR_MAX];
    bool failed = false;
    gold_lexer_init(&lx, src, len);
    for (;;) {
        gold_token t;
        int rc = gold_lex_next(&lx, &t, lexerr, sizeof(lexerr));
        if (rc == 0 && t.kind == GOLD_TOK_VARIABLE) {
            snprintf(p->err, p->errcap, "%d:%d: variables are not supported (%.*s)", t.line, t.col,
                     (int)(t.len > 64 ? 64 : t.len), t.text);
            return -1;
        }
        if (rc < 0) {
            if (!failed)
                snprintf(p->err, p->errcap, "%s", lexerr);
            failed = true;
            continue; /* keep scanning for a variable */
        }
        if (failed) {
            if (t.kind == GOLD_TOK_EOF)
                return -1;
            continue;
        }
        if (p->n == cap) {
            cap = cap ? cap * 2 : 64;
            p->toks = xrealloc(p->toks, cap * sizeof(*p->toks));
        }
        p->toks[p->n++] = t;
        if (t.kind == GOLD_TOK_EOF)
            return 0;
    }
}

int gold_translate(const char *src, size_t len, char **json, char *err, size_t errcap)
{
    gold_parser p;
    int rc = -1;

    memset(&p, 0, sizeof(p));
    p.err = err;
    p.errcap = errcap;
    *json = NULL;
    if (errcap)
        err[0] = '\0';
    if (lex_all(&p, src, len) < 0)
        goto cleanup;
    if (parse_script(&p) < 0)
        goto cleanup;
    *json = strbuf_steal(&p.out);
    rc = 0;
cleanup:
    strbuf_free(&p.out);
    free(p.toks);
    return rc;
}
