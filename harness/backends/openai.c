/* openai.c -- OpenAI Chat Completions (protocols.md 1): Bearer key,
 * max_completion_tokens (max_tokens is rejected by reasoning models),
 * stream_options.include_usage. */
#include "openai_family.h"
#include "harness/util/xalloc.h"

#include <stdlib.h>

static const struct oai_quirks quirks = { "max_completion_tokens", 0 };

static int build(const struct backend_conf *b, const struct prompt *p, struct http_req *out,
                 struct diag *d)
{
    return oai_build(b, p, &quirks, xasprintf("%s/chat/completions", b->base_url), out, d);
}

const struct backend_ops backend_openai = {
    .type = "openai",
    .framing = FRAMING_SSE,
    .default_base_url = "https://api.openai.com/v1",
    .default_key_env = "OPENAI_API_KEY",
    .headers = oai_bearer_header,
    .build = build,
    .parse_body = oai_parse_body,
    .on_event = oai_on_event,
};
