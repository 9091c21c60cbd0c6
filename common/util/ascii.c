/* ASCII character rules (see ascii.h). They must stay independent of the C locale, which <ctype.h>
 * consults, so that every parser reads the same bytes the same way. */
#include "util/ascii.h"

int ascii_hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
