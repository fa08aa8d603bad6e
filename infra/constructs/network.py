"""The VPC: public subnets for the NAT, private subnets for functions and tasks, isolated ones
for the database, and the VPC endpoints that keep AWS traffic off the NAT.

Renders move gigabytes between S3 and workers; through a NAT gateway that is $0.045/GB, through the
S3 gateway endpoint it is free. The interface endpoints (SQS, Step Functions, Secrets Manager,
ECR, Logs) keep task tokens, secrets, image pulls and logs inside the VPC too. The NAT is still
needed by the functions that call the internet: ``api`` (the JWKS of the identity provider),
``prepare`` (OpenAI, ElevenLabs) and ``deliver`` (webhooks to customer URLs); its count is
``renderowl:natGateways`` (default 1; 0 makes those calls impossible).
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.config import DeployConfig

INTERFACE_ENDPOINTS = {
    "Sqs": ec2.InterfaceVpcEndpointAwsService.SQS,
    "StepFunctions": ec2.InterfaceVpcEndpointAwsService.STEP_FUNCTIONS,
    "SecretsManager": ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    "EcrApi": ec2.InterfaceVpcEndpointAwsService.ECR,
    "EcrDocker": ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
    "Logs": ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
}


class Network(Construct):
    """VPC, endpoints and the security groups of the things that reach the database."""

    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig) -> None:
        super().__init__(scope, construct_id)
        compute = (
            ec2.SubnetType.PRIVATE_WITH_EGRESS if config.nat_gateways else ec2.SubnetType.PRIVATE_ISOLATED
        )
        subnets = [ec2.SubnetConfiguration(name="compute", subnet_type=compute, cidr_mask=20)]
        if config.nat_gateways:
            subnets.insert(
                0, ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24)
            )
        subnets.append(
            ec2.SubnetConfiguration(name="data", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24)
        )
        flow_logs = logs.LogGroup(
            self, "FlowLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
        )
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=config.max_azs,
            nat_gateways=config.nat_gateways,
            subnet_configuration=subnets,
            restrict_default_security_group=True,
            gateway_endpoints={
                "S3": ec2.GatewayVpcEndpointOptions(service=ec2.GatewayVpcEndpointAwsService.S3)
            },
            flow_logs={
                "All": ec2.FlowLogOptions(
                    destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs),
                    # Rejected flows are the security signal; ALL would log every S3 transfer.
                    traffic_type=ec2.FlowLogTrafficType.REJECT,
                )
            },
        )
        self.compute_subnets = ec2.SubnetSelection(subnet_group_name="compute")
        self.data_subnets = ec2.SubnetSelection(subnet_group_name="data")
        # ~$88/month for six endpoints in two AZs; a development stack can route through the NAT instead.
        for name, service in INTERFACE_ENDPOINTS.items() if config.interface_endpoints else ():
            self.vpc.add_interface_endpoint(
                name, service=service, subnets=self.compute_subnets, private_dns_enabled=True
            )

        # Functions and tasks that talk to the database: the proxy admits exactly these groups.
        self.functions_sg = ec2.SecurityGroup(
            self,
            "FunctionsSg",
            vpc=self.vpc,
            description="Renderowl Lambda functions",
            allow_all_outbound=True,
        )
        self.tasks_sg = ec2.SecurityGroup(
            self,
            "TasksSg",
            vpc=self.vpc,
            description="Renderowl Fargate render tasks",
            allow_all_outbound=True,
        )
