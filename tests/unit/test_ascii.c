/* Unit tests of common/util/ascii: the hexadecimal digit values every parser shares, over every byte
 * value (signed and unsigned char alike), so no locale or sign extension can change an answer. */
#include <criterion/criterion.h>

#include "util/ascii.h"
#include "util/mem.h"

Test(ascii, hex_value_table)
{
    static const struct {
        int c;
        int want;
    } cases[] = {
        {'0', 0},  {'9', 9},  {'a', 10}, {'f', 15}, {'A', 10}, {'F', 15},  {'g', -1}, {'G', -1},
        {'/', -1}, {':', -1}, {'@', -1}, {'`', -1}, {' ', -1}, {'\0', -1}, {-1, -1},  {0xC3, -1},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        cr_expect_eq(ascii_hex_value(cases[i].c), cases[i].want, "case %zu (%d)", i, cases[i].c);
}

Test(ascii, hex_value_every_byte)
{
    int digits = 0;

    for (int b = 0; b < 256; b++) {
        int v = ascii_hex_value(b);
        int sv = ascii_hex_value((signed char)b);
        if (v >= 0) {
            digits++;
            cr_expect(v < 16, "byte %d -> %d", b, v);
        }
        cr_expect_eq(sv, b < 128 ? v : -1, "signed byte %d", b);
    }
    cr_expect_eq(digits, 22, "0-9, a-f and A-F are the only digits");
}
