/* runmeta.h -- the parts of a run folder's run.json that say how it was
 * made, for both writers of one: `assay run` (run.c) and `assay load`
 * (load_report.c).
 *
 * docs/records.md is the contract. The two files differ only in their own
 * sections (plan, summary, load); the run id, the opening fields, a suite's
 * and a backend's entry and the way the file is written are built here
 * once, so a reader (reports/runfolder.c) finds them alike in both.
 *
 * Ownership: the *_json functions and runmeta_head return an owned cJSON
 * item; runmeta_write takes the tree. Everything else is borrowed. */
#ifndef ASSAY_RUNMETA_H
#define ASSAY_RUNMETA_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "config.h"
#include "suite.h"
#include "harness/util/diag.h"

/* A new run id: UTC start time and 4 hex digits of (wall ns, pid), such
 * as "20250301T120000Z-3f2a"; sorts by start time. */
void runmeta_new_id(char *out, size_t n);

/* run.json's opening fields, in order: schema, run_id, mode (left out
 * when NULL), tool (name, version, libcurl), host, config_file,
 * config_hash, started_at. */
cJSON *runmeta_head(const char *run_id, const char *mode, const struct config *cfg,
                    const char *started_at);
/* "ended_at": now. */
void runmeta_add_ended_at(cJSON *o);

/* A suite's entry under "suites": task, file, primary_metric,
 * higher_is_better, items. */
cJSON *runmeta_suite_json(const struct suite *s);
/* A backend's prices: the per-token, per-request and per-hour figures and
 * as_of, or null when the config has none. */
cJSON *runmeta_pricing_json(const struct pricing *p);
/* A backend's entry under "backends": name, type, model, base_url,
 * api_key_env (the variable's name, never its value), stream, pricing,
 * attributes. */
cJSON *runmeta_backend_json(const struct backend_conf *b);

/* Writes o, pretty-printed and newline-ended, to DIR/run.json atomically
 * (a reader never sees half of it); takes o. */
int runmeta_write(const char *dir, cJSON *o, struct diag *d);

#endif
