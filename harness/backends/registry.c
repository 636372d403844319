/* registry.c -- every backend adapter, one line each (see backend.h for
 * how to add one). A linear search is enough: looked up once per backend
 * when the config is loaded. */
#include "backend.h"

#include <string.h>

extern const struct backend_ops backend_openai, backend_openai_compatible,
    backend_azure_openai, backend_hf_router, backend_hf_tgi, backend_hf_inference,
    backend_anthropic, backend_ollama;

const struct backend_ops *const backend_table[] = {
    &backend_openai,             /* Chat Completions, api.openai.com */
    &backend_openai_compatible,  /* vLLM, llama.cpp, Ollama /v1, Groq, Together... */
    &backend_azure_openai,       /* deployment URLs, api-key header */
    &backend_hf_router,          /* router.huggingface.co/v1 */
    &backend_hf_tgi,             /* TGI /generate_stream or its Messages API */
    &backend_hf_inference,       /* summarization / translation pipelines */
    &backend_anthropic,          /* Messages API */
    &backend_ollama,             /* native /api/chat, NDJSON */
    NULL,
};

const struct backend_ops *backend_find(const char *type)
{
    for (size_t i = 0; backend_table[i]; i++)
        if (strcmp(backend_table[i]->type, type) == 0)
            return backend_table[i];
    return NULL;
}
