# syntax=docker/dockerfile:1
# Renderowl's worker images, built by CDK at deploy time from this repository (infra/images.py).
#
#   target fargate (the default, last stage): the long-render task,
#                  `python -m renderowl.pipeline.container`, non-root
#   target lambda: the media functions (ingest, render, ...) as container-image Lambdas, whose
#                  FFmpeg + PyAV (~290 MiB) do not fit a zip Lambda's 250 MiB
#
# Both carry exactly the runtime dependencies locked in uv.lock (hash-checked) and the renderowl
# package; FFmpeg is the static binary of the imageio-ffmpeg wheel, PyAV brings FFmpeg's libraries.

ARG PYTHON_VERSION=3.12

# ---- deps: the locked runtime dependencies, installed once for both targets ----------------
FROM python:${PYTHON_VERSION}-slim AS deps
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_ROOT_USER_ACTION=ignore
RUN pip install "uv==0.13.9"
WORKDIR /build
COPY pyproject.toml uv.lock ./
# Runtime dependencies only: no dev/infra/bench groups, no `local` extra, not the project itself.
RUN uv export --frozen --no-default-groups --no-emit-project --format requirements-txt -o requirements.txt \
 && pip install --no-deps --require-hashes --only-binary=:all: --target /opt/python -r requirements.txt \
 && rm -rf /opt/python/bin
COPY shared/renderowl /opt/python/renderowl

# ---- lambda: AWS's Python 3.12 base image (it carries the runtime interface client) ---------
FROM public.ecr.aws/lambda/python:${PYTHON_VERSION} AS lambda
COPY --from=deps /opt/python /opt/python
# The function folders: CDK sets each function's command to its handler, e.g. render.handler.handler.
COPY functions/ ${LAMBDA_TASK_ROOT}/
ENV PYTHONPATH=/opt/python \
    RENDEROWL_ENVIRONMENT=cloud
CMD ["api.handler.handler"]

# ---- fargate: the long-render worker ------------------------------------------------------
FROM python:${PYTHON_VERSION}-slim AS fargate
RUN groupadd --system --gid 10001 renderowl \
 && useradd --system --uid 10001 --gid renderowl --home-dir /home/renderowl --create-home renderowl \
 && install -d -o renderowl -g renderowl /scratch
COPY --from=deps /opt/python /opt/python
ENV PYTHONPATH=/opt/python \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    RENDEROWL_ENVIRONMENT=cloud \
    RENDEROWL_SCRATCH_DIR=/scratch
USER renderowl
WORKDIR /home/renderowl
# Fail the build, not the first render, when FFmpeg cannot run here.
RUN python -c "import av, imageio_ffmpeg, subprocess; subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), '-version'], check=True, capture_output=True)"
# CMD, not ENTRYPOINT: the Pipe runs it as is, and an operator's one-off task can replace it
# (docs/deploy.md: `sleep` + ECS Exec to run `renderowl keys create` inside the VPC).
CMD ["python", "-m", "renderowl.pipeline.container"]
