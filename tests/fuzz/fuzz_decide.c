/* fuzz_decide.c -- the decision section and the decision flags from any
 * bytes, then the decision itself. The input is a "decision" object
 * (docs/choose.md), then optionally a NUL and flag values, one a line,
 * whose first byte picks the flag (decide_options[], --pricing and
 * --config excepted: they name files). The constraints are read the way
 * `assay choose` reads them (run.json's config.decision, then flags) and
 * applied to a fixed realistic run (tests/report_fixture.h: four
 * backends, three suites), rendered as text, Markdown and JSON. No crash,
 * no leak, no UB, a diag on every failure. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../report_fixture.h"
#include "reports/decide_args.h"
#include "reports/report.h"

static struct run run;
static struct aggregate agg;

static void load_fixture(void)
{
    char tmpl[] = "/tmp/assay-fuzz-decide-XXXXXX";
    if (!mkdtemp(tmpl))
        abort();
    struct fx_options o = { 0 };
    o.items = 6;
    free(fx_make_run(tmpl, &o));
    struct diag d;
    diag_init(&d);
    struct agg_options ao = { 0.95, 50, 1, NULL };
    if (run_load(tmpl, 1, &run, &d) < 0 || aggregate_run(&run, &ao, &agg, &d) < 0)
        abort();
    char *rm = xasprintf("rm -rf '%s'", tmpl);
    if (system(rm) != 0)
        abort();
    free(rm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!run.n)
        load_fixture();
    const char *nul = memchr(data, '\0', size);
    size_t jlen = nul ? (size_t)(nul - (const char *)data) : size;
    struct diag d;
    diag_init(&d);
    cJSON *section = cJSON_ParseWithLength((const char *)data, jlen);

    /* The run's own config.decision is where choose reads the section. */
    cJSON *saved = run.meta;
    cJSON *meta = cJSON_CreateObject();
    cJSON *config = cJSON_AddObjectToObject(meta, "config");
    if (section)
        cJSON_AddItemToObject(config, "decision", section);
    run.meta = meta;

    struct decide_args args;
    decide_args_init(&args);
    size_t nflags = 0;
    while (decide_options[nflags].name)
        nflags++;
    int bad = 0;
    if (nul) {
        char *flags = xstrndup(nul + 1, size - jlen - 1);
        for (char *line = strtok(flags, "\n"); line && !bad; line = strtok(NULL, "\n")) {
            const struct option *o = &decide_options[(unsigned char)line[0] % nflags];
            if (strcmp(o->name, "pricing") == 0 || strcmp(o->name, "config") == 0)
                continue;
            int rc = decide_args_take(&args, o->val, line + 1, &d);
            if (rc == 0)
                abort();   /* every decision flag is known */
            if (rc < 0) {
                if (!d.set)
                    abort();
                bad = 1;
            }
        }
        free(flags);
    }
    struct constraints cons;
    constraints_init(&cons);
    struct pricing_file *pf = NULL;
    if (!bad && decide_args_apply(&args, &run, &cons, &pf, NULL, &d) == 0) {
        struct decision dc;
        if (decide(&run, &agg, &cons, &dc, &d) == 0) {
            FILE *devnull = fopen("/dev/null", "w");
            decision_print(&dc, &cons, 0, devnull);
            decision_print(&dc, &cons, 1, devnull);
            fclose(devnull);
            cJSON *j = decision_to_json(&dc);
            char *s = cJSON_PrintUnformatted(j);
            free(s);
            cJSON_Delete(j);
        } else if (!d.set) {
            abort();
        }
        decision_release(&dc);   /* also after a failure, as the commands do */
        cJSON *j = constraints_to_json(&cons);
        char *s = cJSON_PrintUnformatted(j);
        free(s);
        cJSON_Delete(j);
    } else if (!bad && !d.set) {
        abort();
    }
    pricing_file_free(pf);
    constraints_release(&cons);
    decide_args_release(&args);
    run.meta = saved;
    cJSON_Delete(meta);
    return 0;
}
