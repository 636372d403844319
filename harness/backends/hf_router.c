/* hf_router.c -- Hugging Face Inference Providers router (protocols.md
 * 5.1): Chat Completions at https://router.huggingface.co/v1 with an
 * HF_TOKEN; "model" picks the model and the provider ("org/model:groq",
 * ":fastest", ":cheapest"). Providers behind it read max_tokens. */
#include "openai_family.h"
#include "harness/util/xalloc.h"

#include <stdlib.h>

static const struct oai_quirks quirks = { "max_tokens", 0 };

static int build(const struct backend_conf *b, const struct prompt *p, struct http_req *out,
                 struct diag *d)
{
    return oai_build(b, p, &quirks, xasprintf("%s/chat/completions", b->base_url), out, d);
}

const struct backend_ops backend_hf_router = {
    .type = "hf-router",
    .framing = FRAMING_SSE,
    .default_base_url = "https://router.huggingface.co/v1",
    .default_key_env = "HF_TOKEN",
    .headers = oai_bearer_header,
    .build = build,
    .parse_body = oai_parse_body,
    .on_event = oai_on_event,
};
