#!/usr/bin/env bash
# Train the base and the style packs on a lent GPU machine in one call (about 9 minutes on an H100).
#
# Prepared here first, on the CPU, by models/scripts/prepare_gpu.sh: every recipe's corpus (cleaned, with its
# whole unseen works as validation and the fine-tunes' replay of general text), vanilla's tokenizer, the token
# files (vanilla's as an xz shard that fits the machine's 64 MiB working tree) and the wheels of transformers
# 4.57.6, huggingface_hub 0.36.2 and tokenizers 0.22.2 under .devcarry/ (the machine has no network). It
# trains with the same recipes and code as the CPU path (early stopping on the unseen works), with larger
# batches and sequence length set by --set, and writes each model to $OUT as soon as it is done, packed by
# models.transport (the machine returns at most 16 MiB a file). Back here: `python -m models.transport
# expand`, then the export, optimize, index and card steps as usual.
set -euo pipefail
export PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=true
OUT=${OUT:-/tmp/out}
PY=${PY:-python3}
BASE=${BASE:-vanilla}
STYLES=${STYLES:-"pkd ja"}
RUNS=${RUNS:-.devcarry/runs}
BASE_MIN=${BASE_MIN:-5.0}
STYLE_MIN=${STYLE_MIN:-1.2}
EXTRA=${EXTRA:-}  # more options for every train call (a dry run on a CPU: see the tests)
mkdir -p "$OUT"
if compgen -G ".devcarry/whl/*.whl" >/dev/null; then
  $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .devcarry/whl/*.whl
  export PYTHONPATH=/tmp/site:$PWD
fi
for shard in "$RUNS"/*/tokens/*.bin.xz; do
  [ -e "$shard" ] && $PY -m models.shards unpack "$shard" "${shard%.xz}"
done
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || echo "no GPU: a dry run"
$PY -c "import torch, transformers, accelerate; print('torch', torch.__version__, 'transformers', transformers.__version__, 'accelerate', accelerate.__version__, torch.cuda.is_available())"
gpu="--runs-dir $RUNS --set train.seq_len=512"
name() { basename "$1" .toml; }
base=$(name "$BASE")
$PY -m models train "$BASE" $gpu --max-minutes "$BASE_MIN" --set train.compile=true \
  --set train.batch_size=64 --set train.lr=0.0015 --set train.min_lr=0.00008 --set train.warmup_steps=300 \
  --set train.eval_every=250 --set train.eval_batches=10 --set train.checkpoint_every=2000 $EXTRA 2>&1 | tee "$OUT/$base.log"
$PY -m models.transport compress "$RUNS/$base/model" "$OUT/$base.q8.safetensors"
cp "$RUNS/$base/train_summary.json" "$OUT/$base.summary.json"
for style in $STYLES; do
  s=$(name "$style")
  # the recipe's own regime (learning rate, replay, weight decay, patience); only the batch shape is the GPU's
  $PY -m models train "$style" $gpu --max-minutes "$STYLE_MIN" --set train.batch_size=32 \
    --set train.eval_every=10 --set train.eval_batches=10 --set train.checkpoint_every=100000 $EXTRA 2>&1 | tee "$OUT/$s.log"
  $PY -m models.transport compress "$RUNS/$s/model" "$OUT/$s.q8.safetensors"
  cp "$RUNS/$s/train_summary.json" "$OUT/$s.summary.json"
done
ls -la "$OUT"
