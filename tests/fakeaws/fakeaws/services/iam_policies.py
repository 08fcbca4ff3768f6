"""The AWS managed policies the fake knows (name -> path and a coarse document).

Their ARNs are arn:aws:iam::aws:policy<path><name>; attaching one under a wrong path
fails as AWS fails (NoSuchEntity). Documents are abridged to the actions that matter to
the fake's coarse role_allows() checks."""


def _doc(*actions, resource="*"):
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": resource}]}


MANAGED = {
    "AmazonECSTaskExecutionRolePolicy": ("/service-role/", _doc(
        "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents")),
    "AmazonECSInfrastructureRolePolicyForVolumes": ("/service-role/", _doc(
        "ec2:AttachVolume", "ec2:CreateVolume", "ec2:CreateSnapshot", "ec2:CreateTags",
        "ec2:DeleteVolume", "ec2:DescribeVolumes", "ec2:DescribeAvailabilityZones",
        "ec2:DescribeInstances", "ec2:DescribeSnapshots", "ec2:DetachVolume", "kms:CreateGrant",
        "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptTo", "kms:ReEncryptFrom", "kms:Decrypt")),
    "AmazonECSInfrastructureRolePolicyForLoadBalancers": ("/service-role/", _doc(
        "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets",
        "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule")),
    "AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity": ("/service-role/", _doc(
        "acm-pca:IssueCertificate", "acm-pca:DescribeCertificateAuthority", "secretsmanager:CreateSecret")),
    "AmazonECSInfrastructureRolePolicyForManagedInstances": ("/", _doc("ec2:RunInstances", "ec2:CreateTags")),
    "AmazonECSServiceRolePolicy": ("/aws-service-role/", _doc(
        "ec2:AttachNetworkInterface", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
        "ec2:Describe*", "elasticloadbalancing:Describe*", "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets", "servicediscovery:RegisterInstance",
        "servicediscovery:DeregisterInstance", "logs:CreateLogGroup", "logs:PutLogEvents")),
    "AWSElasticLoadBalancingServiceRolePolicy": ("/aws-service-role/", _doc("ec2:*NetworkInterface*", "ec2:Describe*")),
    "AWSApplicationAutoscalingECSServicePolicy": ("/aws-service-role/", _doc("ecs:DescribeServices", "ecs:UpdateService")),
    "AmazonECS_FullAccess": ("/", _doc("ecs:*", "elasticloadbalancing:*", "iam:PassRole", "logs:*")),
    "AmazonEC2ContainerRegistryReadOnly": ("/", _doc("ecr:Get*", "ecr:Describe*", "ecr:List*", "ecr:BatchGetImage",
                                                     "ecr:BatchCheckLayerAvailability")),
    "AmazonSSMManagedInstanceCore": ("/", _doc("ssm:*", "ssmmessages:CreateControlChannel",
                                               "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel",
                                               "ssmmessages:OpenDataChannel", "ec2messages:*")),
    "CloudWatchLogsFullAccess": ("/", _doc("logs:*")),
    "CloudWatchAgentServerPolicy": ("/", _doc("logs:CreateLogStream", "logs:PutLogEvents", "cloudwatch:PutMetricData")),
    "SecretsManagerReadWrite": ("/", _doc("secretsmanager:*", "kms:Decrypt")),
    "AmazonS3FullAccess": ("/", _doc("s3:*")),
    "AmazonS3ReadOnlyAccess": ("/", _doc("s3:Get*", "s3:List*")),
    "AmazonSSMReadOnlyAccess": ("/", _doc("ssm:Describe*", "ssm:Get*", "ssm:List*")),
    "AmazonEC2ReadOnlyAccess": ("/", _doc("ec2:Describe*")),
    "ElasticLoadBalancingFullAccess": ("/", _doc("elasticloadbalancing:*")),
    "AWSXRayDaemonWriteAccess": ("/", _doc("xray:PutTraceSegments", "xray:PutTelemetryRecords")),
    "ReadOnlyAccess": ("/", _doc("*:Describe*", "*:Get*", "*:List*")),
    "PowerUserAccess": ("/", _doc("*")),
    "AdministratorAccess": ("/", _doc("*")),
}

# AWSServiceName -> (role name, path, managed policy attached)
SERVICE_LINKED = {
    "ecs.amazonaws.com": ("AWSServiceRoleForECS", "/aws-service-role/ecs.amazonaws.com/",
                          "AmazonECSServiceRolePolicy"),
    "elasticloadbalancing.amazonaws.com": ("AWSServiceRoleForElasticLoadBalancing",
                                           "/aws-service-role/elasticloadbalancing.amazonaws.com/",
                                           "AWSElasticLoadBalancingServiceRolePolicy"),
    "ecs.application-autoscaling.amazonaws.com": ("AWSServiceRoleForApplicationAutoScaling_ECSService",
                                                  "/aws-service-role/ecs.application-autoscaling.amazonaws.com/",
                                                  "AWSApplicationAutoscalingECSServicePolicy"),
}


def managed_arn(name):
    path, _ = MANAGED[name]
    return f"arn:aws:iam::aws:policy{path}{name}"


MANAGED_BY_ARN = {managed_arn(n): n for n in MANAGED}
