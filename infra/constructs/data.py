"""Postgres: RDS PostgreSQL 16, reached by every function through RDS Proxy with TLS required.

Lambda opens a connection per concurrent execution; the proxy pools them so a burst of renders
cannot exhaust the instance's connections. Credentials live in a generated Secrets Manager secret,
rotated on a schedule (single-user rotation; the proxy reads the new value itself, and the
functions cache the secret for five minutes, so a rotation can fail a connection for at most that
long, and the functions retry ``SERVICE_UNAVAILABLE``).
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_rds as rds
from constructs import Construct

from infra.config import DeployConfig
from infra.constructs.network import Network
from infra.names import DATABASE_NAME, DATABASE_USER, POSTGRES_PORT


class Database(Construct):
    """The instance, its proxy and its secret."""

    def __init__(
        self, scope: Construct, construct_id: str, *, network: Network, config: DeployConfig
    ) -> None:
        super().__init__(scope, construct_id)
        self.instance_sg = ec2.SecurityGroup(
            self, "InstanceSg", vpc=network.vpc, description="Renderowl Postgres", allow_all_outbound=False
        )
        self.proxy_sg = ec2.SecurityGroup(
            self, "ProxySg", vpc=network.vpc, description="Renderowl RDS Proxy", allow_all_outbound=False
        )
        parameters = rds.ParameterGroup(
            self,
            "Parameters",
            engine=rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_16),
            # TLS for every connection, also those that bypass the proxy (an admin's tunnel).
            parameters={"rds.force_ssl": "1", "log_min_duration_statement": "1000"},
        )
        self.instance = rds.DatabaseInstance(
            self,
            "Instance",
            engine=rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_16),
            instance_type=ec2.InstanceType(config.db_instance_type),
            vpc=network.vpc,
            vpc_subnets=network.data_subnets,
            security_groups=[self.instance_sg],
            credentials=rds.Credentials.from_generated_secret(DATABASE_USER),
            database_name=DATABASE_NAME,
            port=POSTGRES_PORT,
            parameter_group=parameters,
            storage_encrypted=True,
            allocated_storage=config.db_allocated_storage_gib,
            max_allocated_storage=config.db_max_allocated_storage_gib,
            storage_type=rds.StorageType.GP3,
            multi_az=config.db_multi_az,
            backup_retention=Duration.days(config.db_backup_retention_days),
            deletion_protection=config.deletion_protection,
            removal_policy=RemovalPolicy.SNAPSHOT,
            cloudwatch_logs_exports=["postgresql", "upgrade"],
            auto_minor_version_upgrade=True,
            enable_performance_insights=True,
            publicly_accessible=False,
        )
        assert self.instance.secret is not None
        self.secret = self.instance.secret
        if config.db_rotation_days:
            self.instance.add_rotation_single_user(
                automatically_after=Duration.days(config.db_rotation_days),
                vpc_subnets=network.compute_subnets,
            )
        self.proxy = self.instance.add_proxy(
            "Proxy",
            secrets=[self.secret],
            vpc=network.vpc,
            vpc_subnets=network.data_subnets,
            security_groups=[self.proxy_sg],
            require_tls=True,
            iam_auth=False,
            idle_client_timeout=Duration.minutes(30),
            max_connections_percent=90,
        )
        self.instance_sg.add_ingress_rule(self.proxy_sg, ec2.Port.tcp(POSTGRES_PORT), "proxy to Postgres")
        self.proxy_sg.add_egress_rule(self.instance_sg, ec2.Port.tcp(POSTGRES_PORT), "proxy to Postgres")

    def allow_from(self, sg: ec2.ISecurityGroup, description: str) -> None:
        """Let ``sg`` reach the proxy (never the instance directly)."""
        self.proxy_sg.add_ingress_rule(sg, ec2.Port.tcp(POSTGRES_PORT), description)

    @property
    def proxy_host(self) -> str:
        return self.proxy.endpoint
