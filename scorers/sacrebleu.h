/* sacrebleu.h -- what the three sacreBLEU metrics (bleu.h, chrf.h, ter.h)
 * share: the version they reproduce, which ends every signature. */
#ifndef ASSAY_SACREBLEU_H
#define ASSAY_SACREBLEU_H

#include "harness/util/buf.h"

#define SACREBLEU_VERSION "2.6.0"

/* Appends "nrefs:N" ("#:N" short), N = "var" when nrefs < 0. */
static inline void sacrebleu_sig_nrefs(struct buf *out, int nrefs, int short_form)
{
    if (nrefs < 0)
        buf_addf(out, "%s:var", short_form ? "#" : "nrefs");
    else
        buf_addf(out, "%s:%d", short_form ? "#" : "nrefs", nrefs);
}

/* Appends "|version:2.6.0" ("|v:2.6.0" short). */
static inline void sacrebleu_sig_version(struct buf *out, int short_form)
{
    buf_addf(out, "|%s:%s", short_form ? "v" : "version", SACREBLEU_VERSION);
}

#endif
