#!/bin/sh
# Runs one assay plan as N shards with a Slurm job array: task i runs
# `assay run --shard i/N`. Submit with:
#
#   sbatch --array=0-7 examples/cluster/slurm-array.sh eval.json runs/eval
#   # when the array has finished:
#   assay merge runs/eval/shard-* --out runs/eval/all
#
# The array must start at 0 and have N tasks (--array=0-(N-1)). A failed
# task can be resubmitted alone (sbatch --array=3 ...): it resumes its
# shard without asking any finished request again.
#SBATCH --job-name=assay-eval
#SBATCH --cpus-per-task=2
#SBATCH --time=04:00:00
#SBATCH --output=assay-%A_%a.log
set -eu
config=${1:?usage: slurm-array.sh CONFIG OUT_DIR}
outdir=${2:?usage: slurm-array.sh CONFIG OUT_DIR}
n=${SLURM_ARRAY_TASK_COUNT:?run as a job array: sbatch --array=0-7 ...}
i=${SLURM_ARRAY_TASK_ID:?run as a job array}
out="$outdir/shard-$i"
# API keys come from the environment of the submitting shell (sbatch
# exports it by default); never put them in the config.
if [ -f "$out/run.json" ]; then
    exec assay run "$config" --shard "$i/$n" --resume "$out"
fi
exec assay run "$config" --shard "$i/$n" --out "$out"
