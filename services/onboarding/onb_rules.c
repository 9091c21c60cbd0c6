/* Pure member rules of organizations and ledgers: Appendix A countries and the address rules. It must
 * stay free of I/O, SQL and HTTP so it can be unit-tested alone. */
#include "onb_rules.h"

#include <stdlib.h>
#include <string.h>

#include "json/json.h"

/* api.md Appendix A, sorted (bsearch). */
static const char *const onb_countries[] = {
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA",
    "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV",
    "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU",
    "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES",
    "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM",
    "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE",
    "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM",
    "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY",
    "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT",
    "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU",
    "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA",
    "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM",
    "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL",
    "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE",
    "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
};
_Static_assert(ARRAY_LEN(onb_countries) == 249, "api.md Appendix A has 249 codes");

static int onb_country_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, *(const char *const *)elem);
}

bool onb_country_valid(const char *code)
{
    if (!code || strlen(code) != 2)
        return false;
    return bsearch(code, onb_countries, ARRAY_LEN(onb_countries), sizeof(onb_countries[0]),
                   onb_country_cmp) != NULL;
}

/* Address members in response order; nullable ones are null when unset, the others "". */
static const struct {
    const char *name;
    bool nullable;
} onb_address_members[] = {
    {"line1", false}, {"line2", true},    {"zipCode", false},    {"city", false},
    {"state", false}, {"country", false}, {"description", true},
};

bool onb_address_is_empty(json_object *addr)
{
    if (!json_object_is_type(addr, json_type_object))
        return true;
    json_object_object_foreach(addr, key, val)
    {
        (void)key;
        if (!val)
            continue;
        if (json_object_is_type(val, json_type_string) && json_object_get_string_len(val) == 0)
            continue;
        return false;
    }
    return true;
}

int onb_address_check(json_object *addr, api_error *e)
{
    const char *country = NULL;

    if (onb_address_is_empty(addr))
        return 0;
    country = json_get_text(addr, "country");
    if (!country)
        return api_error_set(e, ERR_INVALID_COUNTRY_CODE, "a non-empty address needs address.country");
    if (!onb_country_valid(country))
        return api_error_set(e, ERR_INVALID_COUNTRY_CODE,
                             "address.country must be an ISO 3166-1 alpha-2 code in upper case");
    return 0;
}

json_object *onb_address_normalize(json_object *addr)
{
    json_object *out = json_object_new_object();

    for (size_t i = 0; i < ARRAY_LEN(onb_address_members); i++) {
        const char *v = json_get_text(addr, onb_address_members[i].name);
        if (v)
            json_object_object_add(out, onb_address_members[i].name, json_object_new_string(v));
        else if (onb_address_members[i].nullable)
            json_object_object_add(out, onb_address_members[i].name, NULL);
        else
            json_object_object_add(out, onb_address_members[i].name, json_object_new_string(""));
    }
    return out;
}
