/* Header forwarding rules of the gateway. Pure code (compiled into the unit tests): string comparisons
 * only, no allocation, no I/O. */
#include "gw_headers.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

bool gw_header_hop_by_hop(const char *name)
{
    static const char *const names[] = {
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade",
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcasecmp(name, names[i]) == 0)
            return true;
    }
    return strncasecmp(name, "Proxy-", 6) == 0;
}

bool gw_header_in_connection(const char *connection, const char *name)
{
    size_t n = strlen(name);
    const char *p = connection;
    if (connection == NULL || n == 0)
        return false;
    while (*p != '\0') {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *start = p;
        while (*p != '\0' && *p != ',' && *p != ' ' && *p != '\t')
            p++;
        if ((size_t)(p - start) == n && strncasecmp(start, name, n) == 0)
            return true;
    }
    return false;
}

bool gw_header_skip_request(const char *name, const char *connection)
{
    return gw_header_hop_by_hop(name) || strcasecmp(name, "Host") == 0 ||
           strcasecmp(name, "Content-Length") == 0 || strcasecmp(name, "X-Request-Id") == 0 ||
           strcasecmp(name, "Expect") == 0 || gw_header_in_connection(connection, name);
}

bool gw_header_skip_response(const char *name, const char *connection)
{
    return gw_header_hop_by_hop(name) || strcasecmp(name, "Content-Length") == 0 ||
           strcasecmp(name, "Content-Type") == 0 || strcasecmp(name, "X-Request-Id") == 0 ||
           gw_header_in_connection(connection, name);
}
