#!/usr/bin/env bash
# Train the three default packs on a lent GPU machine in one call (about 9 minutes on an H100).
#
# Prepared here first (CPU): `python -m models corpus|tokenizer|tokenize <recipe>` for vanilla,
# pkd and ja, then runs/<name>/{tokenizer.json,tokens/} and the wheels of transformers 4.57.6,
# huggingface_hub 0.36.2 and tokenizers 0.22.2 copied under .devcarry/ (the GPU machine has no
# network). It trains with the same recipes and code as the CPU path, larger batches and
# sequence length set by --set, and writes each model to $OUT as soon as it is done, packed by
# models.transport (the machine returns at most 16 MiB a file). Back here:
# `python -m models.transport expand`, then the export, card and index steps as usual.
set -euo pipefail
export PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=true
OUT=${OUT:-/tmp/out}
VANILLA_MIN=${VANILLA_MIN:-4.0}
EXTRA=${EXTRA:-}  # more options for every train call (a dry run on a CPU: see the tests)
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .devcarry/whl/*.whl
export PYTHONPATH=/tmp/site:$PWD
RUNS=.devcarry/runs
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
python3 -c "import torch, transformers, accelerate; print('torch', torch.__version__, 'transformers', transformers.__version__, 'accelerate', accelerate.__version__, torch.cuda.is_available())"
gpu="--runs-dir $RUNS --set train.seq_len=512"
python3 -m models train vanilla $gpu --max-minutes "$VANILLA_MIN" --set train.compile=true \
  --set train.batch_size=64 --set train.lr=0.0015 --set train.min_lr=0.00008 --set train.warmup_steps=300 \
  --set train.eval_every=250 --set train.eval_batches=10 --set train.checkpoint_every=2000 $EXTRA 2>&1 | tee "$OUT/vanilla.log"
python3 -m models.transport compress "$RUNS/vanilla/model" "$OUT/vanilla.q8.safetensors"
cp "$RUNS/vanilla/train_summary.json" "$OUT/vanilla.summary.json"
for spec in "pkd 1.0 3000000 10" "ja 1.6 12000000 25"; do
  set -- $spec
  python3 -m models train "$1" $gpu --max-minutes "$2" --set train.max_tokens="$3" \
    --set train.batch_size=32 --set train.lr=0.0003 --set train.min_lr=0.00003 --set train.warmup_steps=20 \
    --set train.eval_every="$4" --set train.eval_batches=10 --set train.patience=4 \
    --set train.checkpoint_every=100000 $EXTRA 2>&1 | tee "$OUT/$1.log"
  python3 -m models.transport compress "$RUNS/$1/model" "$OUT/$1.q8.safetensors"
  cp "$RUNS/$1/train_summary.json" "$OUT/$1.summary.json"
done
ls -la "$OUT"
