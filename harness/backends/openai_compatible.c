/* openai_compatible.c -- servers that speak Chat Completions at base_url
 * (vLLM, llama.cpp, Ollama's /v1, Groq, Together...; protocols.md 3).
 * They read max_tokens (llama.cpp and Ollama ignore max_completion_tokens);
 * a key is sent only if api_key_env names one. */
#include "openai_family.h"
#include "harness/util/xalloc.h"

#include <stdlib.h>

static const struct oai_quirks quirks = { "max_tokens", 0 };

static int build(const struct backend_conf *b, const struct prompt *p, struct http_req *out,
                 struct diag *d)
{
    return oai_build(b, p, &quirks, xasprintf("%s/chat/completions", b->base_url), out, d);
}

const struct backend_ops backend_openai_compatible = {
    .type = "openai-compatible",
    .framing = FRAMING_SSE,
    .default_base_url = NULL,
    .default_key_env = NULL,
    .headers = oai_bearer_header,
    .build = build,
    .parse_body = oai_parse_body,
    .on_event = oai_on_event,
};
