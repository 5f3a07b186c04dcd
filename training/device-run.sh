#!/usr/bin/env bash
# Trains every stage on one multi-core GPU machine in about 14 minutes by
# running the independent stages side by side: VAE-A, VAE-B and the detector
# in parallel, then the mapping and the joint fine-tune on the two VAEs.
# Usage: bash training/device-run.sh CONFIG DATA_ROOT OUT_DIR [VAE_S MAP_S JOINT_S DETECT_S]
# DETECT_CONFIG=training/configs/gpu-detect-real.json trains the detector with its own config (the real-damage
# detector: top-hat inputs, film-damage overlays, crack networks, labelled real crops), side by side as before.
#
# Fine-tune mode (issue 28: the shipped set on real damage, not a set from zero):
#   bash training/device-run.sh --finetune DATA_ROOT OUT_DIR [JOINT_S DETECT_S]
# recovers the shipped stages from resources/models (training.from_onnx), pseudo-labels the unlabelled old photos
# with the shipped union detector (into runs/pseudo, where cpu-detect-self.json reads them), then side by side fine-tunes the chain on the new damage (cpu-map-real.json) and
# self-trains the thin detector (cpu-detect-self.json, from the thin half of the shipped union); the union is joined
# and calibrated afterwards on the CPU (training/README.md, "Real damage").
set -u
if [ "${1:-}" = "--finetune" ]; then
  DATA=$2; OUT=$3; JOINT_S=${4:-480}; DET_S=${5:-480}
  PY=${PYTHON:-python3}
  export PYTHONUNBUFFERED=1
  mkdir -p "$OUT"
  $PY -m training.from_onnx --out "$OUT/shipped.pt" > "$OUT/from_onnx.log" 2>&1 || exit 1
  $PY -m training.union_detector --split "$OUT/shipped.pt" --thin-out "$OUT/thin.pt" > "$OUT/split.log" 2>&1 || exit 1
  $PY -m training.real_damage.pseudo --weights "$OUT/shipped.pt" --out runs/pseudo --data-root "$DATA" \
    --threads 8 > "$OUT/pseudo.log" 2>&1 || exit 1
  $PY -m training.train --config training/configs/cpu-map-real.json --data-root "$DATA" --run-dir "$OUT/map" \
    --stage joint --init "$OUT/shipped.pt" --workers 10 --time-budget joint=$JOINT_S > "$OUT/map.log" 2>&1 &
  M=$!
  $PY -m training.train --config training/configs/cpu-detect-self.json \
    --data-root "$DATA" --run-dir "$OUT/det" --stage detect --init "$OUT/thin.pt" --workers 5 \
    --time-budget detect=$DET_S > "$OUT/det.log" 2>&1 &
  D=$!
  wait $M $D
  echo "device-run finished" > "$OUT/DONE"
  exit 0
fi
CFG=$1; DATA=$2; OUT=$3; VAE_S=${4:-220}; MAP_S=${5:-270}; JOINT_S=${6:-270}; DET_S=${7:-780}
PY=${PYTHON:-python3}
export PYTHONUNBUFFERED=1
mkdir -p "$OUT"
train() { $PY -m training.train --config "$CFG" --data-root "$DATA" "$@"; }
train --run-dir "$OUT/a" --stage vae_a --workers 6 --time-budget vae_a=$VAE_S > "$OUT/a.log" 2>&1 &
A=$!
train --run-dir "$OUT/b" --stage vae_b --workers 3 --time-budget vae_b=$VAE_S > "$OUT/b.log" 2>&1 &
B=$!
DCFG=${DETECT_CONFIG:-$CFG}
$PY -m training.train --config "$DCFG" --data-root "$DATA" --run-dir "$OUT/det" --stage detect --workers 5 --time-budget detect=$DET_S > "$OUT/det.log" 2>&1 &
D=$!
wait $A $B
train --run-dir "$OUT/map" --stage map,joint --workers 13 --init "$OUT/a/weights/vae_a.pt,$OUT/b/weights/vae_b.pt" \
  --time-budget map=$MAP_S,joint=$JOINT_S > "$OUT/map.log" 2>&1
wait $D
echo "device-run finished" > "$OUT/DONE"
