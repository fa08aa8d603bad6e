"""The Renderowl stack: composes one construct per capability, from the function catalog.

The catalog (``functions/catalog.toml``) decides which functions, queues, triggers and bucket
notifications exist; the ASL file decides the state machine. Both are parameters, so the tests
can synthesize the full shape from a richer catalog than the one in the repository today.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infra import names
from infra.asl import AslBindings, bind
from infra.config import DeployConfig
from infra.constructs.api import HttpApi
from infra.constructs.data import Database
from infra.constructs.fargate import FargateWorkers, RenderCluster
from infra.constructs.functions import CatalogFunctions
from infra.constructs.layers import Layers
from infra.constructs.monitoring import Monitoring
from infra.constructs.network import Network
from infra.constructs.orchestration import RenderOrchestration
from infra.constructs.queues import WorkQueues
from infra.constructs.secrets import ProviderSecrets
from infra.constructs.storage import MediaStorage
from infra.environment import Environment
from infra.packaging import needs_media
from renderowl.catalog import Catalog


def needs_layers(catalog: Catalog) -> bool:
    """True when some function is a zip Lambda (so the layers must be built and deployed)."""
    return any(not fn.is_container and not needs_media(fn) for fn in catalog.functions.values())


class CatalogError(ValueError):
    """The catalog asks for a shape the stack cannot build."""


class RenderowlStack(Stack):
    """Network, data, storage, queues, functions, API, orchestration, Fargate, monitoring."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        catalog: Catalog,
        asl_path: Path,
        layer_zips: dict[str, Path],
        config: DeployConfig,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.catalog = catalog
        asl_text = asl_path.read_text(encoding="utf-8")
        # No state_machine function yet means no state machine yet (the catalog grows step by
        # step); once there is one, every placeholder of the definition must be filled.
        has_workflow = any(fn.trigger.type == "state_machine" for fn in catalog.functions.values())
        self.bindings: AslBindings | None = bind(catalog, asl_text) if has_workflow else None
        state_machine_name = f"{construct_id}-render"
        api_functions = [fn for fn in catalog.functions.values() if fn.trigger.type == "api"]
        if len(api_functions) > 1:
            raise CatalogError("the catalog has more than one api function; the API has one integration")
        containers = [fn for fn in catalog.functions.values() if fn.is_container]

        self.network = Network(self, names.NETWORK, config=config)
        self.database = Database(self, names.DATA, network=self.network, config=config)
        self.storage = MediaStorage(self, names.STORAGE, config=config)
        self.queues = WorkQueues(self, names.QUEUES, catalog=catalog)
        for note in catalog.bucket.notifications:
            self.storage.notify(note, self.queues.queues[note.queue].queue)
        self.secrets = ProviderSecrets(self, names.SECRETS)
        self.cluster = RenderCluster(self, names.FARGATE, network=self.network) if containers else None
        self.settings_env = Environment(
            stack=self,
            config=config,
            database=self.database,
            storage=self.storage,
            queues=self.queues,
            secrets=self.secrets,
            state_machine_name=state_machine_name,
            cluster=self.cluster.cluster if self.cluster else None,
        )
        # Layers only when a zip function will use them (media functions carry everything in the image).
        self.layers = Layers(self, "Layers", zips=layer_zips) if needs_layers(catalog) else None
        self.functions = CatalogFunctions(
            self,
            names.FUNCTIONS,
            catalog=catalog,
            environment=self.settings_env,
            layers=self.layers.all() if self.layers else [],
            network=self.network,
            database=self.database,
            queues=self.queues,
            bindings=self.bindings,
            config=config,
        )
        self.workers = (
            FargateWorkers(
                self,
                "Workers",
                functions=containers,
                cluster=self.cluster,
                environment=self.settings_env,
                network=self.network,
                database=self.database,
                queues=self.queues,
                task_queues=self.bindings.task_queues if self.bindings else frozenset(),
                config=config,
            )
            if self.cluster
            else None
        )
        self.api = (
            HttpApi(
                self,
                names.API,
                handler=self.functions.functions[api_functions[0].name].function,
                config=config,
            )
            if api_functions
            else None
        )
        self.orchestration = (
            RenderOrchestration(
                self,
                names.ORCHESTRATION,
                asl_path=asl_path,
                state_machine_name=state_machine_name,
                bindings=self.bindings,
                functions=self.functions,
                queues=self.queues,
                config=config,
            )
            if self.bindings
            else None
        )
        self.monitoring = Monitoring(
            self,
            names.MONITORING,
            queues=self.queues,
            functions=self.functions,
            api=self.api.api if self.api else None,
            state_machine=self.orchestration.state_machine if self.orchestration else None,
            config=config,
        )
        self._outputs()

    def _outputs(self) -> None:
        if self.api:
            CfnOutput(self, "ApiUrl", value=self.api.base_url, description="Base URL of the HTTP API")
            if self.api.domain:
                CfnOutput(
                    self,
                    "ApiDomainTarget",
                    value=self.api.domain.domain_name_alias_domain_name,
                    description="Point a CNAME/alias of the custom domain here",
                )
        CfnOutput(self, "MediaBucketName", value=self.storage.bucket.bucket_name)
        CfnOutput(self, "DatabaseSecretArn", value=self.database.secret.secret_arn)
        CfnOutput(self, "DatabaseProxyEndpoint", value=self.database.proxy_host)
        CfnOutput(self, "OpenAiSecretArn", value=self.secrets.openai.secret_arn)
        CfnOutput(self, "ElevenLabsSecretArn", value=self.secrets.elevenlabs.secret_arn)
        CfnOutput(self, "AlarmTopicArn", value=self.monitoring.topic.topic_arn)
        if self.orchestration:
            CfnOutput(self, "StateMachineArn", value=self.orchestration.state_machine.state_machine_arn)
        if self.cluster:
            CfnOutput(self, "ClusterArn", value=self.cluster.cluster.cluster_arn)
        for name, built in self.functions.functions.items():
            CfnOutput(self, f"{names.camel(name)}FunctionName", value=built.function.function_name)
