/* fuzz_mock_request.c -- the mock server's reading of a client's request
 * body, on any bytes: each protocol's parse() (OpenAI, Azure, Anthropic,
 * TGI native and compat, HF tasks, Ollama) fills the normalised request
 * or rejects it in the protocol's own error shape. Byte 0 picks the
 * protocol and route; the rest is the body. The exchange is set up the
 * way server.c's exchange_new does, without a connection (so a rejection
 * renders its error body but sends nothing). No crash, no over-read, no
 * leak, no UB; what parse() accepts is sane. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness/mock/exchange.h"

static const struct { const struct mock_proto *proto; enum mock_route route; } routes[] = {
    { &mock_proto_openai, RT_CHAT },
    { &mock_proto_azure, RT_CHAT },
    { &mock_proto_anthropic, RT_MESSAGES },
    { &mock_proto_tgi, RT_TGI_GENERATE },
    { &mock_proto_tgi, RT_TGI_STREAM },
    { &mock_proto_tgi, RT_TGI_COMPAT },
    { &mock_proto_hf_task, RT_HF_TASK },
    { &mock_proto_ollama, RT_OLLAMA_CHAT },
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct exchange x;
    memset(&x, 0, sizeof(x));
    x.proto = routes[data[0] % NROUTES].proto;
    x.route = routes[data[0] % NROUTES].route;
    buf_init(&x.raw, 0);
    buf_init(&x.ask.prompt, 0);
    x.ask.max_tokens = -1;
    x.ask.obfuscation = 1;
    x.ask.think = 1;
    x.ask.seed = -1;
    rng_seed(&x.rng, 1);
    buf_add(&x.raw, (const char *)data + 1, size - 1);
    x.body = cJSON_ParseWithLength(x.raw.ptr, x.raw.len);
    if (x.body) {
        if (x.route == RT_TGI_STREAM)
            x.ask.stream = 1;
        if (x.proto->parse(&x) == 0) {
            if (x.ask.n_stop > sizeof(x.ask.stop) / sizeof(x.ask.stop[0]) ||
                x.ask.n_prefix > sizeof(x.ask.prefix_hash) / sizeof(x.ask.prefix_hash[0]) ||
                x.ask.max_tokens < -1)
                abort();
            for (size_t i = 0; i < x.ask.n_stop; i++)
                if (!x.ask.stop[i] || !x.ask.stop[i][0])
                    abort();
        }
    } else {
        mock_reject(&x, MERR_BAD_JSON, "the body of the request is not valid JSON");
    }
    cJSON_Delete(x.body);
    free(x.ask.model);
    buf_release(&x.ask.prompt);
    buf_release(&x.raw);
    for (size_t i = 0; i < x.ask.n_stop; i++)
        free(x.ask.stop[i]);
    return 0;
}
