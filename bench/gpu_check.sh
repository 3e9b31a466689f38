#!/usr/bin/env bash
# GPU check: build core + traveller-cli against the machine's CUDA LibTorch, run the
# book's experiments on cuda:0 and the Python reference on the same GPU.
# Expects, inside the checkout (git-ignored, carried to the GPU machine):
#   .dev/debs/      libyaml-cpp-dev and libyaml-cpp0.7 .deb files (apt-get download)
#   .dev/gpu/data/  timemachine.txt and fra-eng/fra.txt
# See docs/GPU-CHECK.md.
set -u
export PYTHONUNBUFFERED=1
log() { echo "=== $*"; }
OUTD=${OUT:-/tmp/out}; mkdir -p "$OUTD"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
g++ --version | head -1; cmake --version | head -1; nproc
TP=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)'); echo "torch prefix $TP"
python3 -c 'import torch;print("torch", torch.__version__, torch.version.cuda, torch.cuda.get_device_name(0))'
mkdir -p /tmp/yaml && for f in .dev/debs/*.deb; do dpkg -x "$f" /tmp/yaml; done
export LD_LIBRARY_PATH=/tmp/yaml/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
configure() {
  cmake -S . -B /tmp/b -G Ninja -DCMAKE_PREFIX_PATH="$TP;/tmp/yaml/usr" -DTRAVELLER_BUILD_GUI=OFF \
        -DTRAVELLER_BUILD_TESTS=OFF "$@" > "$OUTD/cmake.log" 2>&1
}
log configure
configure || { tail -40 "$OUTD/cmake.log"; exit 1; }
log build
t0=$(date +%s)
if ! timeout 300 cmake --build /tmp/b -j16 > "$OUTD/build.log" 2>&1; then
  grep -m5 -B2 -A8 "error" "$OUTD/build.log" | head -60
  log "retry with C++20"; rm -rf /tmp/b
  configure -DCMAKE_CXX_STANDARD=20 || { tail -40 "$OUTD/cmake.log"; exit 1; }
  timeout 300 cmake --build /tmp/b -j16 > "$OUTD/build.log" 2>&1 || { grep -m5 -B2 -A8 "error" "$OUTD/build.log" | head -80; exit 1; }
fi
echo "built in $(( $(date +%s) - t0 )) s"
B=/tmp/b/bin/traveller-cli
D=.dev/gpu/data
$B version; $B devices
log "missing GPU index"; $B train book-rnn --device cuda:7 --data-dir $D; echo "rc=$?"
log "book runs on cuda:0, 500 epochs"
for a in rnn gru lstm; do
  timeout 120 $B train book-$a --device cuda:0 --quiet --data-dir $D > "$OUTD/cuda-$a.jsonl"; echo "rc=$?"; tail -1 "$OUTD/cuda-$a.jsonl"
done
log "Python reference on the same GPU, 100 epochs"
for a in rnn gru lstm; do timeout 100 python3 bench/reference_lm_device.py --data $D/timemachine.txt --arch $a --epochs 100 --device cuda; done
log "traveller on the same GPU, 100 epochs (same length as the Python runs)"
for a in rnn gru lstm; do timeout 60 $B train book-$a --device cuda:0 --quiet --data-dir $D --set train.epochs=100 | tail -1; done
log "hidden 1024, 50 epochs"
timeout 60 $B train book-gru --device cuda:0 --quiet --data-dir $D --set train.epochs=50 --set model.hidden=1024 | tail -1
timeout 60 python3 bench/reference_lm_device.py --data $D/timemachine.txt --arch gru --hidden 1024 --epochs 50 --device cuda
log "CPU of that machine, 16 threads, 20 epochs"
timeout 60 $B train book-gru --device cpu --threads 16 --quiet --data-dir $D --set train.epochs=20 | tail -1
timeout 60 python3 bench/reference_lm_device.py --data $D/timemachine.txt --arch gru --epochs 20 --threads 16
if [ -x /tmp/b/bin/traveller-cli ] && [ -f resources/presets/book-seq2seq.yaml ]; then
  log "seq2seq on cuda:0 (book preset)"
  timeout 90 $B translate book-seq2seq --device cuda:0 --data-dir $D 2>&1 | tail -2
fi
log done
