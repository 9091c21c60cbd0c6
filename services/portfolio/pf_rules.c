/* Pure member rules of assets and accounts: the type list, the code scan, Appendix B currencies, the
 * alias charset and the account defaults. It must stay free of I/O, SQL and HTTP so it can be
 * unit-tested alone. */
#include "pf_rules.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json/json.h"

static const char *const pf_asset_types[] = {"currency", "fiat", "crypto", "commodity", "others"};

/* api.md Appendix B, sorted (bsearch). */
static const char *const pf_currencies[] = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN",
    "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF",
    "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP", "CVE", "CZK", "DJF",
    "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD",
    "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD",
    "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK",
    "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK",
    "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK",
    "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND",
    "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UZS", "VED", "VEF",
    "VND", "VUV", "WST", "XAF", "XCD", "XDR", "XOF", "XPF", "XSU", "XUA", "YER", "ZAR", "ZMW", "ZWL",
};
_Static_assert(ARRAY_LEN(pf_currencies) == 168, "api.md Appendix B has 168 codes");

bool pf_asset_type_valid(const char *type)
{
    if (!type)
        return false;
    for (size_t i = 0; i < ARRAY_LEN(pf_asset_types); i++)
        if (strcmp(type, pf_asset_types[i]) == 0)
            return true;
    return false;
}

err_id pf_asset_code_scan(const char *code)
{
    if (!code || !code[0])
        return ERR_INVALID_CODE_FORMAT;
    for (const char *p = code; *p; p++) {
        if (*p >= 'A' && *p <= 'Z')
            continue;
        return (*p >= 'a' && *p <= 'z') ? ERR_CODE_UPPERCASE : ERR_INVALID_CODE_FORMAT;
    }
    return ERR_NONE;
}

static int pf_currency_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, *(const char *const *)elem);
}

bool pf_currency_valid(const char *code)
{
    if (!code || strlen(code) != 3)
        return false;
    return bsearch(code, pf_currencies, ARRAY_LEN(pf_currencies), sizeof(pf_currencies[0]),
                   pf_currency_cmp) != NULL;
}

int pf_asset_check(const char *type, const char *code, api_error *e)
{
    err_id scan = ERR_NONE;

    if (!pf_asset_type_valid(type))
        return api_error_set(e, ERR_INVALID_TYPE,
                             "type must be one of currency, fiat, crypto, commodity, others");
    scan = pf_asset_code_scan(code);
    if (scan == ERR_CODE_UPPERCASE)
        return api_error_set(e, scan, "code must contain only uppercase letters A-Z");
    if (scan != ERR_NONE)
        return api_error_set(e, scan, "code must contain only the letters A-Z");
    if ((strcmp(type, "currency") == 0 || strcmp(type, "fiat") == 0) && !pf_currency_valid(code))
        return api_error_set(e, ERR_CURRENCY_CODE, "code must be an ISO 4217 currency code");
    return 0;
}

bool pf_alias_valid(const char *alias)
{
    if (!alias || !alias[0])
        return false;
    for (const char *p = alias; *p; p++) {
        char ch = *p;
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                  ch == '@' || ch == ':' || ch == '_' || ch == '-';
        if (!ok)
            return false;
    }
    return true;
}

bool pf_type_is_external(const char *type)
{
    static const char ext[] = "external";

    if (!type || strlen(type) != sizeof(ext) - 1)
        return false;
    for (size_t i = 0; i < sizeof(ext) - 1; i++) {
        char ch = type[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if (ch != ext[i])
            return false;
    }
    return true;
}

char *pf_account_type_normalize(const char *type)
{
    return xstrdup(pf_type_is_external(type) ? "external" : (type ? type : ""));
}

char *pf_account_default_name(const char *asset_code, const char *type)
{
    return xasprintf("%s %s account", asset_code ? asset_code : "", type ? type : "");
}

char *pf_external_alias(const char *code)
{
    return xasprintf(PF_EXTERNAL_ALIAS_PREFIX "%s", code ? code : "");
}

int pf_parse_bool_filter(const char *value, bool *out)
{
    if (!value)
        return -1;
    if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0) {
        *out = true;
        return 0;
    }
    if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0) {
        *out = false;
        return 0;
    }
    return -1;
}

char *pf_text_dup(json_object *body, const char *key)
{
    const char *v = json_get_text(body, key);
    return v ? xstrdup(v) : NULL;
}
