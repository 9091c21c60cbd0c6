/* Unit tests of the Gold DSL upload (transactions.md 9): the lexer's longest-match and precedence rules,
 * the translation of every example of 9.4 to its exact JSON, malformed scripts with their line:column,
 * the multipart reader (boundary quoting, framing, extra parts, filenames) and the 0048 / 0049 choice.
 * Pure: no servers. The unit-test target does not compile service sources, so they are included. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "../../services/transaction/gold_lexer.c"
#include "../../services/transaction/gold_parser.c"
#include "../../services/transaction/multipart.c"
#include "../../services/transaction/txn_dsl.c"

static const char *code_of(const api_error *e)
{
    const err_def *d = err_get(e->id);
    return d ? d->code : "none";
}

/* Criterion may run each parameter in a fresh process, where pointers into the parent's data are
 * meaningless, so every parameter is an index into its table. */
static struct criterion_test_params index_params(size_t n)
{
    static size_t indices[64];
    cr_assert(n <= ARRAY_LEN(indices));
    for (size_t i = 0; i < n; i++)
        indices[i] = i;
    return cr_make_param_array(size_t, indices, n);
}

/* ---- lexer ---------------------------------------------------------------------------------------- */

typedef struct lex_case {
    const char *src;
    gold_tok_kind kind;
    const char *text; /* expected token text */
} lex_case;

static const lex_case lex_cases[] = {
    {"transaction", GOLD_TOK_KEYWORD, "transaction"},
    {"transaction-template", GOLD_TOK_KEYWORD, "transaction-template"},
    {"transactions", GOLD_TOK_ID, "transactions"},
    {"transaction-x", GOLD_TOK_ID, "transaction-x"},
    {"V1", GOLD_TOK_KEYWORD, "V1"},
    {"V12", GOLD_TOK_ID, "V12"},
    {"120", GOLD_TOK_INT, "120"},
    {"120|2", GOLD_TOK_INT, "120"},
    {"120a", GOLD_TOK_ID, "120a"},
    {"0190a1b2-0000-7000-8000-000000000001", GOLD_TOK_ID, "0190a1b2-0000-7000-8000-000000000001"},
    {"-5", GOLD_TOK_ID, "-5"},
    {"->", GOLD_TOK_KEYWORD, "->"},
    {"->EUR", GOLD_TOK_KEYWORD, "->"},
    {"|", GOLD_TOK_KEYWORD, "|"},
    {":amount", GOLD_TOK_KEYWORD, ":amount"},
    {":of", GOLD_TOK_KEYWORD, ":of"},
    {"from@x", GOLD_TOK_KEYWORD, "from"},
    {"to", GOLD_TOK_KEYWORD, "to"},
    {"token", GOLD_TOK_ID, "token"},
    {"code", GOLD_TOK_KEYWORD, "code"},
    {"Code", GOLD_TOK_ID, "Code"},
    {"@external/EUR", GOLD_TOK_ACCOUNT, "@external/EUR"},
    {"@", GOLD_TOK_ACCOUNT, "@"},
    {"@a_b-c)", GOLD_TOK_ACCOUNT, "@a_b-c"},
    {"$amount|0", GOLD_TOK_VARIABLE, "$amount"},
    {"\"two\nlines\"", GOLD_TOK_STRING, "two\nlines"},
    {"\"\"", GOLD_TOK_STRING, ""},
    {"  \t\r\n(", GOLD_TOK_KEYWORD, "("},
};

ParameterizedTestParameters(dsl_lexer, precedence)
{
    return index_params(ARRAY_LEN(lex_cases));
}

ParameterizedTest(size_t *index, dsl_lexer, precedence)
{
    const lex_case *c = &lex_cases[*index];
    gold_lexer lx;
    gold_token t;
    char err[GOLD_ERR_MAX];
    gold_lexer_init(&lx, c->src, strlen(c->src));
    cr_assert_eq(gold_lex_next(&lx, &t, err, sizeof(err)), 0, "%s: %s", c->src, err);
    cr_expect_eq(t.kind, c->kind, "%s: kind %d, want %d", c->src, t.kind, c->kind);
    cr_expect(t.len == strlen(c->text) && memcmp(t.text, c->text, t.len) == 0, "%s: text %.*s, want %s",
              c->src, (int)t.len, t.text, c->text);
}

Test(dsl_lexer, lines_and_columns_count_code_points)
{
    const char *src = "(a\n  \"é ü\" b\r\n\tc";
    gold_lexer lx;
    gold_token t;
    char err[GOLD_ERR_MAX];
    static const int want[][2] = {{1, 1}, {1, 2}, {2, 3}, {2, 9}, {3, 2}};
    gold_lexer_init(&lx, src, strlen(src));
    for (size_t i = 0; i < ARRAY_LEN(want); i++) {
        cr_assert_eq(gold_lex_next(&lx, &t, err, sizeof(err)), 0, "%s", err);
        cr_expect_eq(t.line, want[i][0], "token %zu line %d", i, t.line);
        cr_expect_eq(t.col, want[i][1], "token %zu col %d", i, t.col);
    }
    cr_assert_eq(gold_lex_next(&lx, &t, err, sizeof(err)), 0);
    cr_expect_eq(t.kind, GOLD_TOK_EOF);
    cr_expect_eq(gold_lex_next(&lx, &t, err, sizeof(err)), 0, "EOF repeats");
    cr_expect_eq(t.kind, GOLD_TOK_EOF);
}

Test(dsl_lexer, lexical_errors_have_positions)
{
    gold_lexer lx;
    gold_token t;
    char err[GOLD_ERR_MAX];
    gold_lexer_init(&lx, "(a\n  # b", 8);
    cr_assert_eq(gold_lex_next(&lx, &t, err, sizeof(err)), 0);
    cr_assert_eq(gold_lex_next(&lx, &t, err, sizeof(err)), 0);
    cr_assert_eq(gold_lex_next(&lx, &t, err, sizeof(err)), -1);
    cr_expect_str_eq(err, "2:3: unexpected character '#'");
    cr_assert_eq(gold_lex_next(&lx, &t, err, sizeof(err)), 0, "the lexer moved past the bad character");
    cr_expect_eq(t.kind, GOLD_TOK_ID);
    gold_lexer_init(&lx, "x \"abc", 6);
    cr_assert_eq(gold_lex_next(&lx, &t, err, sizeof(err)), 0);
    cr_assert_eq(gold_lex_next(&lx, &t, err, sizeof(err)), -1);
    cr_expect_str_eq(err, "1:3: unterminated string");
}

/* ---- translation of the examples of 9.4 ------------------------------------------------------------ */

typedef struct example {
    const char *script;
    const char *json;
} example;

static const example examples[] = {
    {"(transaction V1\n"
     "  (chart-of-accounts-group-name P2P)\n"
     "  (description \"lunch split\")\n"
     "  (send BRL 120|2\n"
     "    (source (from @ana :amount BRL 120|2))\n"
     "    (distribute (to @bruno :amount BRL 120|2))))\n",
     "{\"chartOfAccountsGroupName\":\"P2P\",\"description\":\"lunch split\",\"send\":{\"asset\":\"BRL\","
     "\"value\":\"120\",\"source\":{\"from\":[{\"accountAlias\":\"@ana\",\"amount\":{\"asset\":\"BRL\","
     "\"value\":\"120\"}}]},\"distribute\":{\"to\":[{\"accountAlias\":\"@bruno\",\"amount\":{\"asset\":"
     "\"BRL\",\"value\":\"120\"}}]}}}"},
    {"(transaction V1\n"
     "  (chart-of-accounts-group-name MARKETPLACE)\n"
     "  (code SALE-1001)\n"
     "  (pending true)\n"
     "  (metadata (order 1001) (channel app))\n"
     "  (send USD 500|0\n"
     "    (source (from @buyer :amount USD 500|0 (description \"checkout\")))\n"
     "    (distribute\n"
     "      (to @seller :share 80 (chart-of-accounts REV-4100))\n"
     "      (to @platform :share 20 :of 50)\n"
     "      (to @taxes :remaining (metadata (kind vat))))))\n",
     /* verbatim from transactions.md 9.4 */
     "{\"chartOfAccountsGroupName\":\"MARKETPLACE\",\"code\":\"SALE-1001\",\"pending\":true,\"metadata\":{"
     "\"order\":\"1001\",\"channel\":\"app\"},"
     "\"send\":{\"asset\":\"USD\",\"value\":\"500\",\"source\":{\"from\":[{\"accountAlias\":\"@buyer\","
     "\"amount\":{\"asset\":\"USD\",\"value\":\"500\"},\"description\":\"checkout\"}]},"
     "\"distribute\":{\"to\":[{\"accountAlias\":\"@seller\",\"share\":{\"percentage\":80},"
     "\"chartOfAccounts\":"
     "\"REV-4100\"},{\"accountAlias\":\"@platform\",\"share\":{\"percentage\":20,\"percentageOfPercentage\":"
     "50}"
     "},{\"accountAlias\":\"@taxes\",\"remaining\":\"remaining\",\"metadata\":{\"kind\":\"vat\"}}]}}}"},
    {"(transaction V1\n"
     "  (chart-of-accounts-group-name TOPUP)\n"
     "  (send EUR 75|0\n"
     "    (source :remaining (from @external/EUR :amount EUR 75|0))\n"
     "    (distribute\n"
     "      (to @wallet-7 :amount EUR 75|0\n"
     "        (rate 0190a1b2-0000-7000-8000-000000000001 EUR -> EUR 1|0)\n"
     "        (description \"card top-up\")))))\n",
     "{\"chartOfAccountsGroupName\":\"TOPUP\",\"send\":{\"asset\":\"EUR\",\"value\":\"75\",\"source\":{"
     "\"from\":"
     "[{\"accountAlias\":\"@external/EUR\",\"amount\":{\"asset\":\"EUR\",\"value\":\"75\"}}]},\"distribute\":"
     "{\"to\":[{\"accountAlias\":\"@wallet-7\",\"amount\":{\"asset\":\"EUR\",\"value\":\"75\"},\"rate\":{"
     "\"externalId\":\"0190a1b2-0000-7000-8000-000000000001\",\"from\":\"EUR\",\"to\":\"EUR\",\"value\":"
     "\"1\"},"
     "\"description\":\"card top-up\"}]}}}"},
    /* transaction-template, every optional leg clause, pending false, bare-ID account, leading zeros,
     * a multi-line description with characters JSON must escape */
    {"(transaction-template V1 (chart-of-accounts-group-name G) (description \"a\\b\n\tc\")"
     " (pending false)"
     " (send X 007|3 (source (from acc_1 :share 100 :of 0 (rate r1 X -> Y 2|1) (description \"d\")"
     " (chart-of-accounts C1) (metadata (k 1) (2 v)))) (distribute (to @b :remaining))))",
     "{\"chartOfAccountsGroupName\":\"G\",\"description\":\"a\\\\b\\n\\tc\",\"pending\":false,\"send\":{"
     "\"asset\":\"X\",\"value\":\"7\",\"source\":{\"from\":[{\"accountAlias\":\"acc_1\",\"share\":{"
     "\"percentage\":100,\"percentageOfPercentage\":0},\"rate\":{\"externalId\":\"r1\",\"from\":\"X\",\"to\":"
     "\"Y\",\"value\":\"2\"},\"description\":\"d\",\"chartOfAccounts\":\"C1\",\"metadata\":{\"k\":\"1\","
     "\"2\":\"v\"}}]},\"distribute\":{\"to\":[{\"accountAlias\":\"@b\",\"remaining\":\"remaining\"}]}}}"},
};

ParameterizedTestParameters(dsl_translate, examples_of_9_4)
{
    return index_params(ARRAY_LEN(examples));
}

ParameterizedTest(size_t *index, dsl_translate, examples_of_9_4)
{
    const example *ex = &examples[*index];
    char *json = NULL;
    char err[GOLD_ERR_MAX];
    cr_assert_eq(gold_translate(ex->script, strlen(ex->script), &json, err, sizeof(err)), 0, "%s", err);
    cr_expect_str_eq(json, ex->json);
    json_object *o = json_tokener_parse(json);
    cr_expect(json_object_is_type(o, json_type_object), "translation is valid JSON");
    json_object_put(o);
    free(json);
}

/* ---- malformed scripts -------------------------------------------------------------------------------- */

#define HEAD "(transaction V1 (chart-of-accounts-group-name G)"
#define LEGS "(source (from @a :amount USD 1|0)) (distribute (to @b :amount USD 1|0))"

typedef struct bad_script {
    const char *name;
    const char *script;
    const char *prefix; /* "line:col:" the message starts with */
    const char *needle; /* substring of the message */
} bad_script;

static const bad_script bad_scripts[] = {
    {"missing closing paren of the script", HEAD " (send USD 1|0 " LEGS ")",
     "1:136:", "expected ')', found end of input"},
    {"missing paren of a clause",
     "(transaction V1\n  (chart-of-accounts-group-name G\n  (send USD 1|0 " LEGS "))",
     "3:3:", "expected ')', found '('"},
    {"unknown keyword", HEAD " (memo \"x\") (send USD 1|0 " LEGS "))", "1:51:", "expected '(send'"},
    {"unknown script head", "(txn V1)", "1:2:", "'transaction' or 'transaction-template'"},
    {"missing V1", "(transaction (chart-of-accounts-group-name G))", "1:14:", "expected 'V1'"},
    {"bad number 120|", HEAD "\n(send USD 120| " LEGS "))", "2:16:", "integer scale after '|'"},
    {"number without scale", HEAD " (send USD 120 " LEGS "))", "1:64:", "expected '|', found '('"},
    {"variable", HEAD " (send USD $amount|0 " LEGS "))", "1:60:", "variables are not supported"},
    {"variable after a syntax error", "(nonsense) $x", "1:12:", "variables are not supported"},
    {"variable after a lexical error", "(# $v", "1:4:", "variables are not supported"},
    {"variable inside a string is text", HEAD " (description \"$x\") (send USD 1|0 " LEGS ") junk",
     "1:156:", "expected ')', found identifier junk"},
    {"unterminated string", HEAD "\n  (description \"lunch\n split)", "2:16:", "unterminated string"},
    {"trailing garbage", HEAD " (send USD 1|0 " LEGS ")) extra", "1:138:", "expected end of input"},
    {"second script", HEAD " (send USD 1|0 " LEGS "))()", "1:137:", "expected end of input"},
    {"wrong order of clauses", HEAD " (code C) (description \"d\") (send USD 1|0 " LEGS "))",
     "1:60:", "optional clauses come in the order"},
    {"pending after metadata", HEAD " (metadata (a b)) (pending true) (send USD 1|0 " LEGS "))",
     "1:68:", "expected '(send'"},
    {"all-digit code", HEAD " (code 1001) (send USD 1|0 " LEGS "))",
     "1:56:", "expected an identifier, found integer 1001"},
    {"all-digit asset", HEAD " (send 840 1|0 " LEGS "))",
     "1:56:", "expected an asset code, found integer 840"},
    {"all-digit coa group", "(transaction V1 (chart-of-accounts-group-name 77))",
     "1:47:", "found integer 77"},
    {"keyword as alias",
     HEAD " (send USD 1|0 (source (from code :amount USD 1|0)) (distribute (to @b :remaining))))",
     "1:78:", "an account"},
    {"missing portion", HEAD " (send USD 1|0 (source (from @a)) (distribute (to @b :remaining))))",
     "1:80:", "':amount', ':share' or ':remaining'"},
    {"empty source", HEAD " (send USD 1|0 (source) (distribute (to @b :remaining))))",
     "1:71:", "expected '(from'"},
    {"to inside source", HEAD " (send USD 1|0 (source (to @a :remaining)) (distribute (to @b :remaining))))",
     "1:73:", "expected '(from'"},
    {"pending not boolean", HEAD " (pending yes) (send USD 1|0 " LEGS "))", "1:59:", "'true' or 'false'"},
    {"description without string", HEAD " (description lunch) (send USD 1|0 " LEGS "))",
     "1:63:", "expected a string"},
    {"empty metadata", HEAD " (metadata) (send USD 1|0 " LEGS "))", "1:59:", "expected '('"},
    {"duplicate metadata key", HEAD " (metadata (a 1) (a 2)) (send USD 1|0 " LEGS "))",
     "1:67:", "duplicate metadata key a"},
    {"rate without arrow",
     HEAD " (send USD 1|0 (source (from @a :amount USD 1|0 (rate e USD EUR 1|0))) "
          "(distribute (to @b :remaining))))",
     "1:109:", "expected '->'"},
    {"leg clauses out of order",
     HEAD " (send USD 1|0 (source (from @a :remaining (chart-of-accounts C)"
          " (description \"d\"))) (distribute (to @b :remaining))))",
     "1:114:", "'(rate', '(description'"},
    {"empty input after whitespace", "  \n ", "2:2:", "expected '(', found end of input"},
    {"unexpected character", HEAD " (send USD 1.5|0 " LEGS "))", "1:61:", "unexpected character '.'"},
    {"non-ASCII character",
     HEAD "\n (send USD 1|0 (source (from @a€ :remaining)) (distribute (to @b :remaining))))",
     "2:32:", "unexpected character (byte 0xE2)"},
};

ParameterizedTestParameters(dsl_translate, malformed_scripts)
{
    return index_params(ARRAY_LEN(bad_scripts));
}

ParameterizedTest(size_t *index, dsl_translate, malformed_scripts)
{
    const bad_script *b = &bad_scripts[*index];
    char *json = NULL;
    char err[GOLD_ERR_MAX];
    cr_assert_eq(gold_translate(b->script, strlen(b->script), &json, err, sizeof(err)), -1,
                 "%s: accepted as %s", b->name, json ? json : "");
    cr_expect(json == NULL);
    cr_expect(strncmp(err, b->prefix, strlen(b->prefix)) == 0, "%s: message \"%s\" must start with %s",
              b->name, err, b->prefix);
    cr_expect(strstr(err, b->needle) != NULL, "%s: message \"%s\" lacks \"%s\"", b->name, err, b->needle);
}

/* ---- multipart ------------------------------------------------------------------------------------------
 */

typedef struct boundary_case {
    const char *content_type;
    const char *boundary; /* NULL: refused */
} boundary_case;

static const boundary_case boundary_cases[] = {
    {"multipart/form-data; boundary=XyZ", "XyZ"},
    {"Multipart/Form-Data;BOUNDARY=abc", "abc"},
    {"multipart/form-data; charset=utf-8; boundary=\"a b:c=d\"", "a b:c=d"},
    {"multipart/form-data; boundary=\"a;b\"", NULL},
    {"multipart/form-data; boundary=\"q\\\"x\"", NULL}, /* '"' is not a bchar */
    {"multipart/form-data; boundary=------------------------d74496d66958873e",
     "------------------------d74496d66958873e"},
    {"multipart/form-data; boundary=\"\"", NULL},
    {"multipart/form-data; boundary=\"trailing \"", NULL},
    {"multipart/form-data", NULL},
    {"multipart/form-data; boundary", NULL},
    {"multipart/form-data; boundary=\"unterminated", NULL},
    {"multipart/mixed; boundary=abc", NULL},
    {"application/json", NULL},
    {"multipart/form-datax; boundary=abc", NULL},
    {"multipart/form-data; boundary="
     "12345678901234567890123456789012345678901234567890123456789012345678901",
     NULL},
    {"multipart/form-data; boundary="
     "1234567890123456789012345678901234567890123456789012345678901234567890",
     "1234567890123456789012345678901234567890123456789012345678901234567890"},
};

ParameterizedTestParameters(dsl_multipart, boundary_parameter)
{
    return index_params(ARRAY_LEN(boundary_cases));
}

ParameterizedTest(size_t *index, dsl_multipart, boundary_parameter)
{
    const boundary_case *c = &boundary_cases[*index];
    char b[MULTIPART_BOUNDARY_MAX + 1];
    char err[128];
    int rc = multipart_boundary(c->content_type, b, err, sizeof(err));
    if (c->boundary) {
        cr_assert_eq(rc, 0, "%s: %s", c->content_type, err);
        cr_expect_str_eq(b, c->boundary);
    } else {
        cr_expect_eq(rc, -1, "%s accepted as %s", c->content_type, b);
    }
}

Test(dsl_multipart, parts_with_preamble_epilogue_and_empty_parts)
{
    static const char body[] = "preamble\r\n--B\r\n"
                               "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
                               "hello\r\n--Bx\r\n" /* "--Bx" inside content is not a delimiter */
                               "\r\n--B  \r\n"     /* transport padding */
                               "content-disposition: form-data; name=dsl; filename=\"t.gold\"\r\n"
                               "Content-Type: text/plain\r\n\r\n"
                               "(a)\r\n\r\n--B\r\n"
                               "Content-Disposition: form-data; name=\"empty\"\r\n\r\n"
                               "\r\n--B\r\n"
                               "\r\n"
                               "\r\n--B--\r\nepilogue";
    arena *a = arena_new();
    multipart_part *parts = NULL;
    size_t n = 0;
    char err[128];
    cr_assert_eq(multipart_parse("B", body, sizeof(body) - 1, a, &parts, &n, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(n, 4, "%zu parts", n);
    cr_expect_str_eq(parts[0].name, "note");
    cr_expect(parts[0].len == 13 && memcmp(parts[0].data, "hello\r\n--Bx\r\n", 13) == 0, "%.*s",
              (int)parts[0].len, parts[0].data);
    cr_expect_str_eq(parts[1].name, "dsl");
    cr_expect_str_eq(parts[1].filename, "t.gold");
    cr_expect(parts[1].form_data);
    cr_expect(parts[1].len == 5 && memcmp(parts[1].data, "(a)\r\n", 5) == 0);
    cr_expect_str_eq(parts[2].name, "empty");
    cr_expect_eq(parts[2].len, 0);
    cr_expect_null(parts[3].name, "a part without headers");
    cr_expect_eq(parts[3].len, 0);
    arena_free(a);
}

Test(dsl_multipart, framing_errors)
{
    static const char *const bodies[] = {
        "--B\r\nContent-Disposition: form-data; name=\"dsl\"\r\n\r\nx",        /* missing final boundary */
        "--B\r\nContent-Disposition: form-data; name=\"dsl\"\r\n\r\nx\r\n--B", /* delimiter without CRLF */
        "--B\nContent-Disposition: form-data; name=\"dsl\"\n\nx\n--B--",       /* LF only */
        "no delimiter at all",
        "--B\r\nContent-Disposition: form-data; name=\"dsl\"",                 /* unterminated headers */
        "--B\r\nno colon here\r\n\r\nx\r\n--B--",                              /* malformed header */
        "--B\r\nContent-Disposition: form-data; name=\"dsl\r\n\r\nx\r\n--B--", /* unterminated quote */
        "--BX\r\n\r\nx\r\n--BX--",                                             /* another boundary */
    };
    for (size_t i = 0; i < ARRAY_LEN(bodies); i++) {
        arena *a = arena_new();
        multipart_part *parts = NULL;
        size_t n = 0;
        char err[128];
        cr_expect_eq(multipart_parse("B", bodies[i], strlen(bodies[i]), a, &parts, &n, err, sizeof(err)), -1,
                     "body %zu accepted", i);
        arena_free(a);
    }
}

/* ---- the upload (step 4): 0048 / 0049 ---------------------------------------------------------------- */

#define CT "multipart/form-data; boundary=XB"
#define SCRIPT HEAD " (send USD 1|0 " LEGS "))"
#define PART(disp, content) "--XB\r\nContent-Disposition: form-data; " disp "\r\n\r\n" content "\r\n"
#define END "--XB--\r\n"

typedef struct upload_case {
    const char *name;
    const char *content_type;
    const char *body;
    size_t body_len;  /* 0: strlen */
    const char *code; /* NULL: accepted */
    const char *needle;
} upload_case;

static const upload_case uploads[] = {
    {"plain upload", CT, PART("name=\"dsl\"; filename=\"t.gold\"", SCRIPT) END, 0, NULL, NULL},
    {"extra parts are ignored", CT,
     PART("name=\"other\"", "junk") PART("name=\"file\"; filename=\"x.txt\"", "junk") PART(
         "name=\"dsl\"; filename=\"a/b/c.gold\"", SCRIPT) PART("name=\"dsl\"; filename=\"t.gold\"", "") END,
     0, NULL, NULL},
    {"filename* wins", CT, PART("name=\"dsl\"; filename=\"t.txt\"; filename*=UTF-8''my%20t.gold", SCRIPT) END,
     0, NULL, NULL},
    {"not multipart", "application/json", SCRIPT, 0, "0048", "not multipart"},
    {"no Content-Type", NULL, SCRIPT, 0, "0048", "not multipart"},
    {"no dsl part", CT, PART("name=\"file\"; filename=\"t.gold\"", SCRIPT) END, 0, "0048", "named \"dsl\""},
    {"dsl name is case-sensitive", CT, PART("name=\"DSL\"; filename=\"t.gold\"", SCRIPT) END, 0, "0048",
     "named \"dsl\""},
    {"no filename", CT, PART("name=\"dsl\"", SCRIPT) END, 0, "0048", ".gold"},
    {"wrong filename", CT, PART("name=\"dsl\"; filename=\"t.txt\"", SCRIPT) END, 0, "0048", ".gold"},
    {"upper-case extension", CT, PART("name=\"dsl\"; filename=\"t.GOLD\"", SCRIPT) END, 0, "0048", ".gold"},
    {"missing final boundary", CT,
     "--XB\r\nContent-Disposition: form-data; name=\"dsl\"; filename=\"t.gold\"\r\n\r\n" SCRIPT, 0, "0048",
     "final multipart boundary"},
    {"empty file", CT, PART("name=\"dsl\"; filename=\"t.gold\"", "") END, 0, "0049", "empty"},
    {"NUL byte", CT, PART("name=\"dsl\"; filename=\"t.gold\"", "(a\0b)") END,
     sizeof(PART("name=\"dsl\"; filename=\"t.gold\"", "(a\0b)") END) - 1, "0048", "NUL"},
    {"invalid UTF-8", CT, PART("name=\"dsl\"; filename=\"t.gold\"", "(\xC3\x28)") END, 0, "0048", "UTF-8"},
    {"overlong UTF-8", CT, PART("name=\"dsl\"; filename=\"t.gold\"", "(\xC0\xAF)") END, 0, "0048", "UTF-8"},
    {"surrogate", CT, PART("name=\"dsl\"; filename=\"t.gold\"", "(\xED\xA0\x80)") END, 0, "0048", "UTF-8"},
    {"syntax error", CT, PART("name=\"dsl\"; filename=\"t.gold\"", "(transaction V2)") END, 0, "0048",
     "1:14: expected 'V1'"},
    {"variable", CT, PART("name=\"dsl\"; filename=\"t.gold\"", "(transaction V1 $x)") END, 0, "0048",
     "variables are not supported"},
};

ParameterizedTestParameters(dsl_upload, errors_and_parts)
{
    return index_params(ARRAY_LEN(uploads));
}

ParameterizedTest(size_t *index, dsl_upload, errors_and_parts)
{
    const upload_case *u = &uploads[*index];
    api_error e = {0};
    char *json = NULL;
    size_t len = u->body_len ? u->body_len : strlen(u->body);
    int rc = txn_dsl_translate(u->content_type, u->body, len, &json, &e);
    if (!u->code) {
        cr_assert_eq(rc, 0, "%s: %s %s", u->name, code_of(&e), e.message);
        cr_expect(strstr(json, "\"accountAlias\":\"@a\"") != NULL, "%s: %s", u->name, json);
    } else {
        cr_assert_eq(rc, -1, "%s accepted", u->name);
        cr_expect_str_eq(code_of(&e), u->code, "%s: %s", u->name, e.message);
        cr_expect(strstr(e.message, u->needle) != NULL, "%s: message \"%s\" lacks \"%s\"", u->name, e.message,
                  u->needle);
    }
    free(json);
    api_error_clear(&e);
}
