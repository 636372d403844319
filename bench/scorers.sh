#!/bin/sh
# scorers.sh -- scorer throughput: segments per second of `assay score` for
# BLEU, chrF, chrF++, ROUGE-L and TER (corpus level, and BLEU per sentence)
# on N generated segment pairs (default 100000).
#
#   sh bench/scorers.sh                 uses build/assay
#   ASSAY_BIN=path N=200000 sh bench/scorers.sh
#
# The corpus is generated here, deterministically: a MINSTD generator (exact
# in awk's doubles, so every awk gives the same file) draws references of
# 8-40 words from a fixed vocabulary with a Zipf-like skew, and hypotheses
# are the references with substitutions, deletions, insertions and one
# swapped block, plus punctuation that the tokenizers split. Each figure is
# one timed run of the binary (reading the files included), so the numbers
# are end-to-end; they are measurements, not assertions.
set -eu
cd "$(dirname "$0")/.."
BIN=${ASSAY_BIN:-build/assay}
N=${N:-100000}
[ -x "$BIN" ] || { echo "scorers.sh: $BIN not built (BUILD_DIR=build sh scripts/build.sh)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

awk -v n="$N" -v hyp="$work/hyp.txt" -v ref="$work/ref.txt" '
function rnd(k) { seed = (seed * 48271) % 2147483647; return seed % k }
function word() {   # skewed: low indexes far more often
    return vocab[int(rnd(nv) * rnd(nv) / nv)]
}
BEGIN {
    seed = 20240611
    nv = split("the of and to a in is that for it as was with on be by at this from have " \
        "not are or but which one had they you were her all she there would their we him " \
        "been has when who will more no if out so said what up its about into than them can " \
        "only other new some could time these two may then do first any my now such like our " \
        "over man me even most made after also did many before must through back years where " \
        "much your way well down should because each just those people how too little state " \
        "good very make world still own see men work long get here between both life being " \
        "under never day same another know while last might us great old year off come since " \
        "against go came right used take three council budget approved committee debate hours " \
        "tuesday report minister government city water school hospital market prices energy " \
        "railway station bridge museum festival weather forecast research university students " \
        "company shares profit quarter election voters policy health doctors patients climate " \
        "river mountain village harbour airport passengers delayed announced reported expected " \
        "increased reduced building construction summer winter spring autumn morning evening " \
        "translation quality evaluation benchmark provider latency model answer question " \
        "Berlin Paris Madrid Tokyo Lagos Lima Oslo Seoul Cairo Delhi 2024 1,200 3.5 17 42", vocab, " ")
    for (i = 1; i <= nv; i++) vocab[i - 1] = vocab[i]
    for (s = 0; s < n; s++) {
        len = 8 + rnd(33)
        for (i = 0; i < len; i++) r[i] = word()
        r[0] = toupper(substr(r[0], 1, 1)) substr(r[0], 2)
        line = r[0]
        for (i = 1; i < len; i++) line = line (rnd(12) == 0 ? ", " : " ") r[i]
        print line "." > ref
        # hypothesis: edit a copy
        m = 0
        for (i = 0; i < len; i++) {
            e = rnd(20)
            if (e == 0) continue                     # deletion
            if (e == 1) { h[m++] = word(); continue } # substitution
            h[m++] = r[i]
            if (e == 2) h[m++] = word()              # insertion
        }
        if (m > 6 && rnd(3) == 0) {                  # swap two blocks
            a = rnd(m - 4); b = a + 2
            t = h[a]; h[a] = h[b]; h[b] = t
            t = h[a + 1]; h[a + 1] = h[b + 1]; h[b + 1] = t
        }
        line = m ? h[0] : ""
        for (i = 1; i < m; i++) line = line " " h[i]
        print line (rnd(4) ? "." : "") > hyp
    }
}'

# Wall time and CPU time (user + system, from /usr/bin/time when present):
# on a shared machine the CPU figure is the one that measures the scorer.
run() {   # label, then assay score arguments
    label=$1
    shift
    t0=$(date +%s%N)
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "%U %S" -o "$work/cpu.txt" \
            "$BIN" score --hyp "$work/hyp.txt" --ref "$work/ref.txt" "$@" >"$work/out.txt"
    else
        "$BIN" score --hyp "$work/hyp.txt" --ref "$work/ref.txt" "$@" >"$work/out.txt"
        echo "0 0" >"$work/cpu.txt"
    fi
    t1=$(date +%s%N)
    awk -v l="$label" -v n="$N" -v ns="$((t1 - t0))" -v out="$(head -n 1 "$work/out.txt")" '
        { cpu = $1 + $2 }
        END {
            wall = ns / 1e9
            printf "%-24s %7.2f s wall %9.0f seg/s   %7.2f s CPU %9s seg/s   %s\n", l, wall, n / wall,
                   cpu, (cpu > 0 ? sprintf("%.0f", n / cpu) : "-"), substr(out, 1, 44)
        }' "$work/cpu.txt"
}

echo "assay score throughput ($("$BIN" --version), $N generated segment pairs, $(wc -w <"$work/ref.txt") reference words)"
run "BLEU (13a)"            --metric bleu
run "BLEU per sentence"     --metric bleu --sentence-level --score-only
run "BLEU (intl)"           --metric bleu --tokenize intl
run "chrF"                  --metric chrf
run "chrF++"                --metric chrf --chrf-word-order 2
run "ROUGE-L"               --metric rouge --rouge-types rougeL
run "ROUGE-1/2/L/Lsum stem" --metric rouge --rouge-stemmer
run "TER"                   --metric ter
