#!/usr/bin/env bash
# Prepare everything models/scripts/gpu_packs.sh needs, on the CPU, in one command:
#   models/scripts/prepare_gpu.sh            # vanilla on general + library, then pkd and ja
# Cleans and tokenises each recipe's corpus into $RUNS (.devcarry/runs: ignored by git, carried to the GPU
# machine), trains vanilla's tokenizer, packs vanilla's training tokens into an xz shard of at most $BUDGET MiB
# (the machine takes a 64 MiB working tree: whole works are kept until the budget is spent; see models/shards.py)
# and downloads the wheels the machine lacks. Then, with resources/models moved out of the tree (it is 80 MB):
#   mv resources/models /tmp/packs-aside   # and back afterwards
#   run: bash models/scripts/gpu_packs.sh   (carry: [".devcarry"])
# BASE, STYLES, RUNS, CORPUS_DIR and BUDGET can be set for a dry run on the tiny test corpus (tests/models).
set -euo pipefail
PY=${PY:-python}
BASE=${BASE:-vanilla}
STYLES=${STYLES:-"pkd ja"}
RUNS=${RUNS:-.devcarry/runs}
BUDGET=${BUDGET:-40}
CORPUS=${CORPUS_DIR:+--corpus-dir $CORPUS_DIR}
name() { basename "$1" .toml; }
for recipe in "$BASE" $STYLES; do
  for step in corpus tokenizer tokenize; do
    $PY -m models "$step" "$recipe" --runs-dir "$RUNS" $CORPUS
  done
done
base=$(name "$BASE")
tokens="$RUNS/$base/tokens/train.bin"
eos=$($PY -c "from tokenizers import Tokenizer; print(Tokenizer.from_file('$RUNS/$base/tokenizer.json').token_to_id('<|endoftext|>'))")
$PY -m models.shards pack "$tokens" "$tokens.xz" --budget "$BUDGET" --eos "$eos"
rm "$tokens"  # the shard travels; gpu_packs.sh restores the plain file
if [ -z "${NO_WHEELS:-}" ]; then
  mkdir -p .devcarry/whl
  $PY -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    -d .devcarry/whl transformers==4.57.6 huggingface_hub==0.36.2 tokenizers==0.22.2
fi
tree=$(git ls-files -co --exclude-standard | grep -v '^resources/models/' | tr '\n' '\0' | du -cb --files0-from=- | tail -1 | cut -f1)
carry=$( (du -sb "$RUNS" .devcarry/whl 2>/dev/null || true) | awk '{s+=$1} END {print s+0}')
echo "travels: $(( (tree + carry) / 1048576 )) MiB of 64 (tree without resources/models, $RUNS, wheels)"
