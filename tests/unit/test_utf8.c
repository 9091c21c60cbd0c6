/* Unit tests of common/util/utf8: the strict RFC 3629 rules every caller shares (JSON strings, path and
 * query text, list parameters, the DSL upload), at the edges of each byte range. */
#include <criterion/criterion.h>
#include <string.h>

#include "util/mem.h"
#include "util/utf8.h"

static const struct {
    const char *s;
    bool ok;
} utf8_cases[] = {
    {"", true},
    {"plain ascii ~", true},
    {"caf\xc3\xa9", true},      /* U+00E9 */
    {"\xc2\x80", true},         /* U+0080, smallest 2-byte */
    {"\xdf\xbf", true},         /* U+07FF */
    {"\xe0\xa0\x80", true},     /* U+0800 */
    {"\xe2\x82\xac", true},     /* euro */
    {"\xed\x9f\xbf", true},     /* U+D7FF, last before the surrogates */
    {"\xee\x80\x80", true},     /* U+E000 */
    {"\xef\xbf\xbf", true},     /* U+FFFF */
    {"\xf0\x90\x80\x80", true}, /* U+10000 */
    {"\xf0\x9f\x98\x80", true}, /* emoji */
    {"\xf4\x8f\xbf\xbf", true}, /* U+10FFFF */
    {"\xff", false},
    {"\xfe", false},
    {"\x80", false}, /* lone continuation */
    {"a\xbf", false},
    {"\xc3", false},             /* cut */
    {"\xe2\x82", false},         /* cut */
    {"\xf0\x9f\x98", false},     /* cut */
    {"\xc0\xaf", false},         /* overlong '/' */
    {"\xc1\xbf", false},         /* overlong */
    {"\xe0\x80\x80", false},     /* overlong NUL */
    {"\xe0\x9f\xbf", false},     /* overlong 3-byte */
    {"\xf0\x8f\xbf\xbf", false}, /* overlong 4-byte */
    {"\xed\xa0\x80", false},     /* U+D800 surrogate */
    {"\xed\xbf\xbf", false},     /* U+DFFF surrogate */
    {"\xf4\x90\x80\x80", false}, /* U+110000 */
    {"\xf5\x80\x80\x80", false},
    {"\xf8\x88\x80\x80", false}, /* 5-byte form */
    {"\xc3\x28", false},         /* bad continuation */
    {"\xe2\x28\xa1", false},
    {"\xe2\x82\x28", false}, /* bad third byte */
    {"\xc3\xa9\xc3", false}, /* good then cut */
};

Test(utf8, valid_table)
{
    for (size_t i = 0; i < ARRAY_LEN(utf8_cases); i++)
        cr_expect_eq(utf8_valid(utf8_cases[i].s, strlen(utf8_cases[i].s)), utf8_cases[i].ok, "case %zu", i);
}

Test(utf8, length_is_honoured)
{
    /* a sequence cut by n is invalid even when the string goes on */
    cr_expect_not(utf8_valid("\xc3\xa9", 1));
    cr_expect(utf8_valid("\xc3\xa9\xff", 2));
    cr_expect(utf8_valid("a\0b", 3), "NUL is not a UTF-8 problem");
    cr_expect(utf8_valid(NULL, 0));
}

Test(utf8, sequence_length)
{
    static const struct {
        const char *s;
        size_t avail;
        size_t want;
    } cases[] = {
        {"\xc3\xa9", 2, 2},
        {"\xe2\x82\xac", 3, 3},
        {"\xf0\x9f\x98\x80", 4, 4},
        {"\xf0\x9f\x98\x80", 3, 0}, /* cut by avail */
        {"\xc3\xa9zz", 4, 2},       /* only the first sequence */
        {"\x80", 1, 0},
        {"\xc0\x80", 2, 0},
        {"\xed\xa0\x80", 3, 0},
        {"\xf4\x90\x80\x80", 4, 0},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        cr_expect_eq(utf8_seq_len((const unsigned char *)cases[i].s, cases[i].avail), cases[i].want,
                     "case %zu", i);
}
