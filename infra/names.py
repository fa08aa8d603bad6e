"""Names shared by the stack, its constructs and the infrastructure tests (one source per fact)."""

from __future__ import annotations

# The catalog's own naming of ASL placeholders (the local cloud fills them with it too).
from renderowl.catalog import (
    camel,
    dlq_url_env,
    function_arn_placeholder,
    queue_url_env,
    queue_url_placeholder,
)
from renderowl.cloud import storage

__all__ = ["camel", "dlq_url_env", "function_arn_placeholder", "queue_url_env", "queue_url_placeholder"]

STACK_ID = "Renderowl"

# Construct ids (stable: they become logical ids, and renaming one replaces the resource).
NETWORK = "Network"
DATA = "Data"
STORAGE = "Storage"
QUEUES = "Queues"
SECRETS = "Secrets"
FUNCTIONS = "Functions"
API = "Api"
ORCHESTRATION = "Orchestration"
FARGATE = "Fargate"
MONITORING = "Monitoring"

# The database: a name the migrations and the secret agree on.
DATABASE_NAME = "renderowl"
DATABASE_USER = "renderowl"
POSTGRES_PORT = 5432

# Key prefixes of the media bucket (the lifecycle rules depend on them).
UPLOADS_PREFIX = "uploads/"
RENDERS_PREFIX = "renders/"
SCRATCH_PREFIX = "scratch/"
# Uploads carry this tag from the presigned POST on (pending), re-tagged by ingest when accepted.
UPLOAD_STATE_TAG = storage.UPLOAD_STATE_TAG
UPLOAD_STATES_EXPIRED = ("pending", "rejected")

# Observability.
METRICS_NAMESPACE = "Renderowl"
RENDERS_METRIC = "Renders"
RENDER_SECONDS_METRIC = "RenderSeconds"
SERVICE_NAME = "renderowl"


# The Fargate container's name (the Pipe's container override refers to it) and the variable
# that carries the SQS message body into it.
RENDER_CONTAINER = "render"
TASK_MESSAGE_ENV = "RENDEROWL_TASK_MESSAGE"

# Build targets of the repository's Dockerfile.
DOCKER_TARGET_FARGATE = "fargate"
DOCKER_TARGET_LAMBDA = "lambda"

# Modules that make a function a media function (container image instead of zip + layers).
MEDIA_MODULES = ("av", "imageio_ffmpeg", "ffmpeg")
# Package parts never loaded in AWS (the local cloud, the CLI), skipped by the import walk.
LOCAL_ONLY_MODULES = ("renderowl.local", "renderowl.commands", "renderowl.cli")
