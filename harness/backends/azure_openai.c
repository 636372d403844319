/* azure_openai.c -- Azure OpenAI (protocols.md 2): the key goes in an
 * api-key header; with api_version the classic deployment URL
 * {base}/openai/deployments/{deployment}/chat/completions?api-version=V
 * (deployment defaults to model), without it the v1 form
 * {base}/openai/v1/chat/completions. Leading filter chunks with
 * choices:[] and choices without delta are skipped by the family parser. */
#include "openai_family.h"
#include "harness/util/xalloc.h"

#include <stdlib.h>
#include <curl/curl.h>

static const struct oai_quirks quirks = { "max_completion_tokens", 0 };

static void headers(const struct backend_conf *b, void (*add)(void *ud, const char *line),
                    void *ud)
{
    if (b->api_key && *b->api_key) {
        char *h = xasprintf("api-key: %s", b->api_key);
        add(ud, h);
        free(h);
    }
}

static int build(const struct backend_conf *b, const struct prompt *p, struct http_req *out,
                 struct diag *d)
{
    char *url;
    if (b->api_version) {
        const char *dep = b->deployment ? b->deployment : b->model;
        char *dep_esc = curl_easy_escape(NULL, dep, 0);
        char *ver_esc = curl_easy_escape(NULL, b->api_version, 0);
        url = xasprintf("%s/openai/deployments/%s/chat/completions?api-version=%s",
                        b->base_url, dep_esc, ver_esc);
        curl_free(dep_esc);
        curl_free(ver_esc);
    } else {
        url = xasprintf("%s/openai/v1/chat/completions", b->base_url);
    }
    return oai_build(b, p, &quirks, url, out, d);
}

const struct backend_ops backend_azure_openai = {
    .type = "azure-openai",
    .framing = FRAMING_SSE,
    .default_base_url = NULL,
    .default_key_env = "AZURE_OPENAI_API_KEY",
    .headers = headers,
    .build = build,
    .parse_body = oai_parse_body,
    .on_event = oai_on_event,
};
