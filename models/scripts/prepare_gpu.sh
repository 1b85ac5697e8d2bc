#!/usr/bin/env bash
# Prepare everything models/scripts/gpu_packs.sh needs, on the CPU, in one command:
#   models/scripts/prepare_gpu.sh            # vanilla on general + library, then pkd and ja
# Cleans and tokenises each recipe's corpus in $PREP (runs/), trains vanilla's tokenizer, and copies to $RUNS
# (.devcarry/runs: ignored by git, carried to the GPU machine) only what training reads, vanilla's training tokens
# packed into an xz shard of at most $BUDGET MiB (the machine takes a 64 MiB working tree, wheels included: whole
# works are kept until the budget is spent, about 36M of general + library's 64M tokens; see models/shards.py),
# and downloads the wheels the machine lacks. Then, with resources/models moved out of the tree (it is 80 MB):
#   mv resources/models /tmp/packs-aside   # and back afterwards
#   run: bash models/scripts/gpu_packs.sh   (carry: [".devcarry"])
# BASE, STYLES, RUNS, CORPUS_DIR and BUDGET can be set for a dry run on the tiny test corpus (tests/models).
set -euo pipefail
PY=${PY:-python}
BASE=${BASE:-vanilla}
STYLES=${STYLES:-"pkd ja"}
PREP=${PREP:-runs}             # the full run folders, corpus text included: they stay here
RUNS=${RUNS:-.devcarry/runs}   # only what training reads: tokenizer, token files (vanilla's as a shard)
BUDGET=${BUDGET:-36}
CORPUS=${CORPUS_DIR:+--corpus-dir $CORPUS_DIR}
name() { basename "$1" .toml; }
for recipe in "$BASE" $STYLES; do
  for step in corpus tokenizer tokenize; do
    $PY -m models "$step" "$recipe" --runs-dir "$PREP" $CORPUS
  done
done
base=$(name "$BASE")
eos=$($PY -c "from tokenizers import Tokenizer; print(Tokenizer.from_file('$PREP/$base/tokenizer.json').token_to_id('<|endoftext|>'))")
for recipe in "$BASE" $STYLES; do
  r=$(name "$recipe")
  rm -rf "${RUNS:?}/$r" && mkdir -p "$RUNS/$r/tokens" "$RUNS/$r/corpus"
  cp "$PREP/$r/tokenizer.json" "$RUNS/$r/"
  cp "$PREP/$r/corpus/works.json" "$RUNS/$r/corpus/"
  for bin in "$PREP/$r"/tokens/*.bin; do
    if [ "$r" = "$base" ] && [ "$(basename "$bin")" = train.bin ]; then
      $PY -m models.shards pack "$bin" "$RUNS/$r/tokens/train.bin.xz" --budget "$BUDGET" --eos "$eos"
    else
      cp "$bin" "$RUNS/$r/tokens/"
    fi
  done
done
if [ -z "${NO_WHEELS:-}" ]; then
  mkdir -p .devcarry/whl
  $PY -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    -d .devcarry/whl transformers==4.57.6 huggingface_hub==0.36.2 tokenizers==0.22.2
fi
tree=$(git ls-files -co --exclude-standard | grep -v '^resources/models/' | tr '\n' '\0' | du -cb --files0-from=- | tail -1 | cut -f1)
carry=$( (du -sb "$RUNS" .devcarry/whl 2>/dev/null || true) | awk '{s+=$1} END {print s+0}')
echo "travels: $(( (tree + carry) / 1048576 )) MiB of 64 (tree without resources/models, $RUNS, wheels)"
echo "after the GPU call, for each NAME: python -m models.transport expand \$OUT/NAME.q8.safetensors $PREP/NAME/model;"
echo "cp \$OUT/NAME.summary.json $PREP/NAME/train_summary.json; then (base first)"
echo "python -m models export|optimize|index NAME --runs-dir $PREP; python -m models card NAME --runs-dir $PREP --install"
