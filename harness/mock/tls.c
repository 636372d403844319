/* tls.c -- see tls.h. The certificate is its own issuer, marked CA:TRUE so
 * that a client given it as --cacert accepts it as a trust anchor, while a
 * client using the system store rejects it (what the tests check). */
#include "tls.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>

static int ssl_fail(struct diag *d, const char *what)
{
    char err[256] = "unknown error";
    unsigned long e = ERR_get_error();
    if (e)
        ERR_error_string_n(e, err, sizeof(err));
    ERR_clear_error();
    return diag_fail(d, "TLS: %s: %s", what, err);
}

static int add_ext(X509 *cert, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
    X509_EXTENSION *ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (!ex)
        return -1;
    int ok = X509_add_ext(cert, ex, -1);
    X509_EXTENSION_free(ex);
    return ok ? 0 : -1;
}

static X509 *self_signed(EVP_PKEY *key)
{
    X509 *c = X509_new();
    if (!c)
        return NULL;
    unsigned char serial[16];
    RAND_bytes(serial, sizeof(serial));
    serial[0] &= 0x7f;
    BIGNUM *bn = BN_bin2bn(serial, sizeof(serial), NULL);
    ASN1_INTEGER *sn = X509_get_serialNumber(c);
    int ok = bn && BN_to_ASN1_INTEGER(bn, sn) != NULL;
    BN_free(bn);
    ok = ok && X509_set_version(c, 2);
    ok = ok && X509_gmtime_adj(X509_getm_notBefore(c), -3600);
    ok = ok && X509_gmtime_adj(X509_getm_notAfter(c), 86400);
    X509_NAME *name = X509_get_subject_name(c);
    ok = ok && X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                          (const unsigned char *)"assay mock", -1, -1, 0);
    ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                          (const unsigned char *)"localhost", -1, -1, 0);
    ok = ok && X509_set_issuer_name(c, name);
    ok = ok && X509_set_pubkey(c, key);
    ok = ok && add_ext(c, NID_basic_constraints, "critical,CA:TRUE") == 0;
    ok = ok && add_ext(c, NID_key_usage, "critical,digitalSignature,keyCertSign") == 0;
    ok = ok && add_ext(c, NID_ext_key_usage, "serverAuth") == 0;
    ok = ok && add_ext(c, NID_subject_key_identifier, "hash") == 0;
    ok = ok && add_ext(c, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1") == 0;
    ok = ok && X509_sign(c, key, EVP_sha256()) > 0;
    if (!ok) {
        X509_free(c);
        return NULL;
    }
    return c;
}

SSL_CTX *mock_tls_ctx(const char *cert, const char *key, const char *cert_out, struct diag *d)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) {
        ssl_fail(d, "cannot create a context");
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (cert || key) {
        if (!cert || !key) {
            diag_fail(d, "--cert and --key go together");
            goto fail;
        }
        if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
            ssl_fail(d, cert);
            goto fail;
        }
        if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_check_private_key(ctx) != 1) {
            ssl_fail(d, key);
            goto fail;
        }
        return ctx;
    }
    EVP_PKEY *pkey = EVP_EC_gen("P-256");
    if (!pkey) {
        ssl_fail(d, "cannot make a key");
        goto fail;
    }
    X509 *x509 = self_signed(pkey);
    if (!x509) {
        EVP_PKEY_free(pkey);
        ssl_fail(d, "cannot make a certificate");
        goto fail;
    }
    int ok = SSL_CTX_use_certificate(ctx, x509) == 1 && SSL_CTX_use_PrivateKey(ctx, pkey) == 1;
    if (ok && cert_out) {
        FILE *f = fopen(cert_out, "w");
        ok = f && PEM_write_X509(f, x509) == 1;
        if (f && fclose(f) != 0)
            ok = 0;
        if (!ok) {
            X509_free(x509);
            EVP_PKEY_free(pkey);
            diag_fail_at(d, cert_out, 0, NULL, "cannot write the certificate");
            goto fail;
        }
    }
    X509_free(x509);
    EVP_PKEY_free(pkey);
    if (!ok) {
        ssl_fail(d, "cannot use the certificate");
        goto fail;
    }
    return ctx;
fail:
    SSL_CTX_free(ctx);
    return NULL;
}
