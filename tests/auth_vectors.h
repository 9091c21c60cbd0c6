/* JWT test vectors shared by tests/unit/test_gw_auth.c and tests/integration/test_gateway_auth.c.
 * TEST-ONLY material: generated once with python3 (hmac/hashlib for HS256) and the openssl CLI
 * (RSA 2048 keys, `openssl dgst -sha256 -sign` for RS256); the private keys were thrown away, so no
 * private key is in the repository. Never configure these secrets or keys anywhere but the tests. */
#pragma once

/* HS256 shared secret of every HS_* vector (AUTH_JWT_SECRET). */
#define AUTH_TEST_SECRET "test-only-hs256-secret-never-use-it-anywhere-else"
#define AUTH_TEST_ISSUER "https://issuer.test.invalid"
#define AUTH_TEST_AUDIENCE "midaz-test"
#define AUTH_TEST_FUTURE_EXP 4102444800LL /* exp of the valid vectors: 2100-01-01 */
#define AUTH_TEST_PAST_EXP 1000000000LL   /* exp of the expired ones: 2001-09-09 */

/* Verifies every RS_* vector except RS_OTHER_KEY (RSA 2048, SubjectPublicKeyInfo). */
#define AUTH_TEST_RS_PUBLIC_KEY_PEM                                                                          \
    "-----BEGIN PUBLIC KEY-----\n"                                                                           \
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxg3sSLvtckiFCf5M5DF8\n"                                     \
    "pleGa5P3WYoAl0v5jcNdhST4wg5Fb1aZI+r3z1f3Dw5nn6WcFGRADC0qYDxntAbq\n"                                     \
    "LAOJkKZXWxoY+YZDr0tQ9yXdoPzxRZ2Z1c4qZ87A3ylsQDGTXO7Cxda+bZA6P+Hc\n"                                     \
    "IFF6UvBnw2cu3mNB7IUz6PlezF1RNq6hMgb9V9g47M7kweUHX9qtvPk9J5IWph3v\n"                                     \
    "iwItFF6yBuAIaOAWfqQFnsYdj+LOdUpqMXV9Kc5Vm5qeeNJFsyETXuj0NRtLVKCL\n"                                     \
    "QkGbkXYumG35mh9kyhzh24Sfs/I/a1GIDNCXjt2SL2oVHPfJ062dQHmcFgzb7djI\n"                                     \
    "FwIDAQAB\n"                                                                                             \
    "-----END PUBLIC KEY-----\n"

/* An RSA 1024 public key: too short for RS256 (RFC 7518 3.3), refused at start. */
#define AUTH_TEST_WEAK_PUBLIC_KEY_PEM                                                                        \
    "-----BEGIN PUBLIC KEY-----\n"                                                                           \
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC6ZxoeECHuOf1zn1wXsmh26M0h\n"                                     \
    "ftb+Dxxxa8A+O7xrhB6jFhJvz4tKRPlbkuNxEBsBZGwfN3p9NE4NbOALqNE0GZXX\n"                                     \
    "CilnWMkfN8Ta19J6CDhFVbd4237ET56OllerR/E9XFuPQd7SdRcm2lVOLBKMcRTS\n"                                     \
    "Ipvo4pTvhFVCaYq2VwIDAQAB\n"                                                                             \
    "-----END PUBLIC KEY-----\n"

/* A P-256 public key: not RSA, refused at start. */
#define AUTH_TEST_EC_PUBLIC_KEY_PEM                                                                          \
    "-----BEGIN PUBLIC KEY-----\n"                                                                           \
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEtoBhsxfpMwqf49FF4AqNVdPeO9NT\n"                                     \
    "ZK+iQ+ITcwVBnvpCGMwg3MiWscsb0ZzGKDQ36JFwqkO8LyyaaK4adG+PBw==\n"                                         \
    "-----END PUBLIC KEY-----\n"

/* HS256, iss/aud set, scope ledger:write, exp 2100 */
#define AUTH_TEST_HS_WRITE                                                                                   \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci50ZXN0LmludmFsaWQiLCJhdWQiOiJ"       \
    "taWRhei10ZXN0Iiwic3ViIjoidGVzdC1jbGllbnQiLCJleHAiOjQxMDI0NDQ4MDAsInNjb3BlIjoibGVkZ2VyOndyaXRlIn0"       \
    ".y_TO_aC0vUy04upgJ5Tr_1Jr7CVjlhn2_a9vqPkCQ0E"

/* HS256, scope ledger:read */
#define AUTH_TEST_HS_READ                                                                                    \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci50ZXN0LmludmFsaWQiLCJhdWQiOiJ"       \
    "taWRhei10ZXN0Iiwic3ViIjoidGVzdC1jbGllbnQiLCJleHAiOjQxMDI0NDQ4MDAsInNjb3BlIjoibGVkZ2VyOnJlYWQifQ."       \
    "Y1teTloSBilxBJkkgajH-hbhYqH4FElZ9qM1Xwasrkk"

/* HS256, scope "openid ledger:read ledger:write", aud an array holding midaz-test */
#define AUTH_TEST_HS_BOTH_AUD_ARRAY                                                                          \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci50ZXN0LmludmFsaWQiLCJhdWQiOls"       \
    "ib3RoZXItYXBpIiwibWlkYXotdGVzdCJdLCJzdWIiOiJ0ZXN0LWNsaWVudCIsImV4cCI6NDEwMjQ0NDgwMCwic2NvcGUiOiJ"       \
    "vcGVuaWQgbGVkZ2VyOnJlYWQgbGVkZ2VyOndyaXRlIn0.P7ETbR_sYjsyQMPsIPjVcm5sMrDaeiNXhcKtziWwmY8"

/* HS256, no scope claim */
#define AUTH_TEST_HS_NO_SCOPE                                                                                \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci50ZXN0LmludmFsaWQiLCJhdWQiOiJ"       \
    "taWRhei10ZXN0Iiwic3ViIjoidGVzdC1jbGllbnQiLCJleHAiOjQxMDI0NDQ4MDB9.n08ylFhMni7l07Qd3LYJRiPAw8mkgg"       \
    "KQHkfu5q9k_Fs"

/* HS256, scope "ledger:reader ledger:writer admin" (none of ours) */
#define AUTH_TEST_HS_OTHER_SCOPES                                                                            \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci50ZXN0LmludmFsaWQiLCJhdWQiOiJ"       \
    "taWRhei10ZXN0Iiwic3ViIjoidGVzdC1jbGllbnQiLCJleHAiOjQxMDI0NDQ4MDAsInNjb3BlIjoibGVkZ2VyOnJlYWRlciB"       \
    "sZWRnZXI6d3JpdGVyIGFkbWluIn0.wCMSVyE1jyK8fBpejvud2H18S1t3cxBeOZfHALt1oMI"

/* HS256, scope ledger:write, exp 2001 */
#define AUTH_TEST_HS_EXPIRED                                                                                 \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci50ZXN0LmludmFsaWQiLCJhdWQiOiJ"       \
    "taWRhei10ZXN0Iiwic3ViIjoidGVzdC1jbGllbnQiLCJleHAiOjEwMDAwMDAwMDAsInNjb3BlIjoibGVkZ2VyOndyaXRlIn0"       \
    ".fWVv9azKGvAuCaZ8W0ZuAo0SbrjItmOPCjmZv45tjBY"

/* HS256, scope ledger:write, no exp */
#define AUTH_TEST_HS_NO_EXP                                                                                  \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci50ZXN0LmludmFsaWQiLCJhdWQiOiJ"       \
    "taWRhei10ZXN0Iiwic3ViIjoidGVzdC1jbGllbnQiLCJzY29wZSI6ImxlZGdlcjp3cml0ZSJ9.zQO2COCbOOla8qQUTTOdxP"       \
    "ueie9c3QeiXrkNjtEoRgU"

/* HS256, scope ledger:write, nbf 2096 */
#define AUTH_TEST_HS_NBF_FUTURE                                                                              \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci50ZXN0LmludmFsaWQiLCJhdWQiOiJ"       \
    "taWRhei10ZXN0Iiwic3ViIjoidGVzdC1jbGllbnQiLCJleHAiOjQxMDI0NDQ4MDAsInNjb3BlIjoibGVkZ2VyOndyaXRlIiw"       \
    "ibmJmIjo0MDAwMDAwMDAwfQ.HGIeS5rZnIpMho25MsmdEuLIACIdSu1GZWAN6BpYifQ"

/* HS256, scope ledger:write, nbf 2001 */
#define AUTH_TEST_HS_NBF_PAST                                                                                \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci50ZXN0LmludmFsaWQiLCJhdWQiOiJ"       \
    "taWRhei10ZXN0Iiwic3ViIjoidGVzdC1jbGllbnQiLCJleHAiOjQxMDI0NDQ4MDAsInNjb3BlIjoibGVkZ2VyOndyaXRlIiw"       \
    "ibmJmIjoxMDAwMDAwMDAwfQ.wQMOlsf5CHpbDPugHlxob3lxj41kLotKMI0ovwPlPw0"

/* HS256, scope ledger:write, another issuer */
#define AUTH_TEST_HS_WRONG_ISS                                                                               \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL290aGVyLnRlc3QuaW52YWxpZCIsImF1ZCI6Im1"       \
    "pZGF6LXRlc3QiLCJzdWIiOiJ0ZXN0LWNsaWVudCIsImV4cCI6NDEwMjQ0NDgwMCwic2NvcGUiOiJsZWRnZXI6d3JpdGUifQ."       \
    "WXzg-iMc96YkhOrjB9ZEBU0i28sn4_gc3G8u8GoC5zw"

/* HS256, scope ledger:write, another audience */
#define AUTH_TEST_HS_WRONG_AUD                                                                               \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci50ZXN0LmludmFsaWQiLCJhdWQiOiJ"       \
    "zb21lb25lLWVsc2UiLCJzdWIiOiJ0ZXN0LWNsaWVudCIsImV4cCI6NDEwMjQ0NDgwMCwic2NvcGUiOiJsZWRnZXI6d3JpdGU"       \
    "ifQ.eyD1T55-NGu4hYo9TdUDHbKhmUWhDO2p4dZgPf6J7HI"

/* HS256, scope ledger:write, neither iss nor aud */
#define AUTH_TEST_HS_NO_ISS_AUD                                                                              \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZXN0LWNsaWVudCIsImV4cCI6NDEwMjQ0NDgwMCwic2NvcGU"       \
    "iOiJsZWRnZXI6d3JpdGUifQ.z-VYLbipm6zLNE_gt2lM4AElmntSgpHwXuNkWup5Vfc"

/* HS_WRITE's claims signed with another secret */
#define AUTH_TEST_HS_BAD_SIGNATURE                                                                           \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci50ZXN0LmludmFsaWQiLCJhdWQiOiJ"       \
    "taWRhei10ZXN0Iiwic3ViIjoidGVzdC1jbGllbnQiLCJleHAiOjQxMDI0NDQ4MDAsInNjb3BlIjoibGVkZ2VyOndyaXRlIn0"       \
    ".FOx1uKPvEBAnLND5rzFZp6fHlrqI1osQvbYN1eWj180"

/* alg none, empty signature */
#define AUTH_TEST_HS_ALG_NONE                                                                                \
    "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwczovL2lzc3Vlci50ZXN0LmludmFsaWQiLCJhdWQiOiJt"       \
    "aWRhei10ZXN0Iiwic3ViIjoidGVzdC1jbGllbnQiLCJleHAiOjQxMDI0NDQ4MDAsInNjb3BlIjoibGVkZ2VyOndyaXRlIn0."

/* alg HS512, signed with the test secret */
#define AUTH_TEST_HS_ALG_HS512                                                                               \
    "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci50ZXN0LmludmFsaWQiLCJhdWQiOiJ"       \
    "taWRhei10ZXN0Iiwic3ViIjoidGVzdC1jbGllbnQiLCJleHAiOjQxMDI0NDQ4MDAsInNjb3BlIjoibGVkZ2VyOndyaXRlIn0"       \
    ".6Jc-1sniiTpeyglmMv2oR-SPra0efUhNfo9hZGrUmnn5tfECoRxHiMmfkQRrAsRdM4-N00m7Si6-8lH63-7Klg"

/* RS256 (RS_PUBLIC_KEY_PEM), no iss/aud, scope ledger:write, exp 2100 */
#define AUTH_TEST_RS_WRITE                                                                                   \
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZXN0LWNsaWVudCIsInNjb3BlIjoibGVkZ2VyOndyaXRlIiw"       \
    "iZXhwIjo0MTAyNDQ0ODAwfQ.Jvz4O56AqbYRRrdabW5J-E0LW6RsVNR6n3Wmzxf1vJaq1l9yp8d4SipWb5AzdV7I-fg0bdlq"       \
    "75KGj7F7aDLtUvZfPfGZfQ1SmCt8V3iytkHBDikUUuEEzE8Y7UnYSe8yyCsD8_RRLjxXWLzaGtGchOxOz5AajQthm6CyAOYZ"       \
    "Wpc42GkmBvyPG60CFc6Ivps9zwUKYlqtksTyP9p5_vI_JA9TUg2LSXxB815uDfyjzOMN3_qjUXySpm0UrqWnfi04TYHF4iFL"       \
    "EOJm7RbIlO2YLlpWThAZ_sj0WFvqDC5YHuZhlMwpnUXHF-8PD9Pk6oW8xDjz3TnTROgmkx2z9RALaA"

/* RS256, scope ledger:read */
#define AUTH_TEST_RS_READ                                                                                    \
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZXN0LWNsaWVudCIsInNjb3BlIjoibGVkZ2VyOnJlYWQiLCJ"       \
    "leHAiOjQxMDI0NDQ4MDB9.nClZLI_ObRcm69KKPw6Jnv2uIE0Y6zhumqDZNrGBstbu82y6M63oKHqxnH22eKhtfE5WOM58eB"       \
    "ojECOEyC8wa0pJD_KpejKywDF_DT4b-czGfkSpjPjpjWuKVTIcw3UidUcadsbjEn2PpL9LiYA0sG-VIKBBXU-cbivxHX_Y-b"       \
    "jcOtl_V6w9mrqrQQWDOK3MOkvU-zb4YYjBlvqdJD9r1hUi5_1tFeE_rTdEcuSwpYcXLIRMSQa-oNRDmNdO-gXSJVfBrqsC05"       \
    "Ffsrce9JKA7hIgQ0jpBQDUzxj04m_qFoGD7UYoDyWJ1yD6vqakk38fPkFkhoExMC_gseZ_yxUyzw"

/* RS256, scope ledger:write, exp 2001 */
#define AUTH_TEST_RS_EXPIRED                                                                                 \
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZXN0LWNsaWVudCIsInNjb3BlIjoibGVkZ2VyOndyaXRlIiw"       \
    "iZXhwIjoxMDAwMDAwMDAwfQ.PWqeiM3ZJWPSpEG1YF4WrcH9W1HL06YsPMUAunbl8p2bYUoNKOmZrKaMtOWxbLMl3iz5TLav"       \
    "MDrwUwApJ2mQ0JQrUrLNdEPPhY_KTazfw41JRHXZsOz_kTbi8IcIC2s3bZSXAoAaM3QMB4xUPXw-3AER4gF4ORYG9IiiDs7i"       \
    "Qiq6cAFO4i4H5H4CXW69gcLvB5Z6rLOOAed3alVugG0TgTWUQFfBC_VYsqiW4BSDJUhUYeUFlFayk02q6INUG06udnoT4eiv"       \
    "xgEWW1WRAwREX2A-t6t9gvyXXkpHUgxCRCnBPxtTZfG4o6USZFMa5a_2enTP8K33XK7We_qNcALLpw"

/* RS256 signed by a key other than RS_PUBLIC_KEY_PEM's */
#define AUTH_TEST_RS_OTHER_KEY                                                                               \
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZXN0LWNsaWVudCIsInNjb3BlIjoibGVkZ2VyOndyaXRlIiw"       \
    "iZXhwIjo0MTAyNDQ0ODAwfQ.Q9Hp24uppKNDtne7L5eudHL3C5HsPDfhb82lD_4r7hkpLsur5HclOLQdYfB0VZqKKi3ThVLn"       \
    "ui1DNwH46TteDHpCfB6o9p6x_miPVFkjTvlcWRD9KCYb7CxhfxMpArF2YZRrsBcFdn4wlVuhEH6-tvyhe2Ay9Qsi9-rVAUSs"       \
    "vLMypLo1LnkowICpxtyiI6lrgAQe4Z-zZAIyx5KCQUdTQDosN3zn5HoCGqswlyoL9nSJZ6wRkXutBgcHL_fX1AWqiWxOlgLQ"       \
    "Ltja08LAGHW_fX7i3DfK_jdYYfVkm496sM-bwGQc5PqMNkvtiVMw6siCl7kvXCPrsR5ePl3_NEJQ1g"

/* header alg HS256 over an RS256 signature (alg confusion) */
#define AUTH_TEST_RS_HEADER_HS256                                                                            \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZXN0LWNsaWVudCIsInNjb3BlIjoibGVkZ2VyOndyaXRlIiw"       \
    "iZXhwIjo0MTAyNDQ0ODAwfQ.VO2H3inj6dPCttG4yHR0pXIt6OSk_k2PzUpsRLfunTj1iorG_4smtC2JsGCOS-t3d_q_TNrm"       \
    "pFWRV1_JhHSDcvzLV1Cm-u-Db18SrSu2C0uq2CKDwi_GRdrqH2QHxSko_CYUzul5YXTP3DXxYjhuBzoycMX2yin33dRgom-W"       \
    "cgnWndk6qoExu_kj1-IrFd-pLZVjin991pW_k5Z82YoVLWd8dwsUSITnxeNF4XfUd8sdknO5uX2C0da-oStx1GDi9y-EgK6W"       \
    "QSYBu-ZuuI2vUreaOBtmo6CvwLo9VCLv1b-o5t8FIKV2rR-roqJB9x8DkwCbJhFPg3712wA1PoP1LQ"

/* RS_WRITE's header and claims with RS_READ's signature */
#define AUTH_TEST_RS_TAMPERED                                                                                \
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZXN0LWNsaWVudCIsInNjb3BlIjoibGVkZ2VyOndyaXRlIiw"       \
    "iZXhwIjo0MTAyNDQ0ODAwfQ.nClZLI_ObRcm69KKPw6Jnv2uIE0Y6zhumqDZNrGBstbu82y6M63oKHqxnH22eKhtfE5WOM58"       \
    "eBojECOEyC8wa0pJD_KpejKywDF_DT4b-czGfkSpjPjpjWuKVTIcw3UidUcadsbjEn2PpL9LiYA0sG-VIKBBXU-cbivxHX_Y"       \
    "-bjcOtl_V6w9mrqrQQWDOK3MOkvU-zb4YYjBlvqdJD9r1hUi5_1tFeE_rTdEcuSwpYcXLIRMSQa-oNRDmNdO-gXSJVfBrqsC"       \
    "05Ffsrce9JKA7hIgQ0jpBQDUzxj04m_qFoGD7UYoDyWJ1yD6vqakk38fPkFkhoExMC_gseZ_yxUyzw"
