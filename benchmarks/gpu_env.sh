# Sourced by the GPU scripts (gpu_calibrate.sh, gpu_accuracy.sh), from the repository root:
# payback from src/ and, where its dependencies are not installed (an image with PyTorch
# only), their wheels from .whl/ (`pip download --no-deps --only-binary=:all: -d .whl
# pydantic ...` for the machine's Python), installed into /tmp/site; then what the GPU is.
if [ -d .whl ]; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/site .whl/*.whl || exit 1
    export PYTHONPATH="/tmp/site:$PWD/src"
else
    export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
fi
export PYTHONUNBUFFERED=1 COLUMNS=120
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name())"
