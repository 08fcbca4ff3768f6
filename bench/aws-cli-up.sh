# Sourced by aws-cli.sh: build canardstack by hand, in the order a person would.

tags() { echo "ResourceType=$1,Tags=[{Key=Name,Value=$2},{Key=stack,Value=$S}]"; }

up_network() {
    say "network"
    VPC=$(aws ec2 create-vpc --cidr-block 10.40.0.0/16 --tag-specifications "$(tags vpc $S)" --query Vpc.VpcId)
    aws ec2 wait vpc-available --vpc-ids "$VPC"
    aws ec2 modify-vpc-attribute --vpc-id "$VPC" --enable-dns-support '{"Value":true}'
    aws ec2 modify-vpc-attribute --vpc-id "$VPC" --enable-dns-hostnames '{"Value":true}'
    SUB_A=$(aws ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.40.0.0/20 --availability-zone ${R}a \
        --tag-specifications "$(tags subnet $S-public-a)" --query Subnet.SubnetId)
    SUB_B=$(aws ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.40.16.0/20 --availability-zone ${R}b \
        --tag-specifications "$(tags subnet $S-public-b)" --query Subnet.SubnetId)
    aws ec2 wait subnet-available --subnet-ids "$SUB_A" "$SUB_B"
    aws ec2 modify-subnet-attribute --subnet-id "$SUB_A" --map-public-ip-on-launch
    aws ec2 modify-subnet-attribute --subnet-id "$SUB_B" --map-public-ip-on-launch
    IGW=$(aws ec2 create-internet-gateway --tag-specifications "$(tags internet-gateway $S)" \
        --query InternetGateway.InternetGatewayId)
    aws ec2 attach-internet-gateway --internet-gateway-id "$IGW" --vpc-id "$VPC"
    RT=$(aws ec2 create-route-table --vpc-id "$VPC" --tag-specifications "$(tags route-table $S-public)" \
        --query RouteTable.RouteTableId)
    aws ec2 create-route --route-table-id "$RT" --destination-cidr-block 0.0.0.0/0 --gateway-id "$IGW" >/dev/null
    aws ec2 associate-route-table --route-table-id "$RT" --subnet-id "$SUB_A" >/dev/null
    aws ec2 associate-route-table --route-table-id "$RT" --subnet-id "$SUB_B" >/dev/null
}

up_groups() {
    say "security groups"
    SG_LB=$(aws ec2 create-security-group --group-name $S-lb --description "$S load balancer" \
        --vpc-id "$VPC" --query GroupId)
    SG_APP=$(aws ec2 create-security-group --group-name $S-app --description "$S app" \
        --vpc-id "$VPC" --query GroupId)
    SG_CAT=$(aws ec2 create-security-group --group-name $S-catalog --description "$S catalog" \
        --vpc-id "$VPC" --query GroupId)
    aws ec2 authorize-security-group-ingress --group-id "$SG_LB" --protocol tcp --port 80 --cidr 0.0.0.0/0 >/dev/null
    aws ec2 authorize-security-group-ingress --group-id "$SG_APP" --protocol tcp --port 8080 \
        --source-group "$SG_LB" >/dev/null
    aws ec2 authorize-security-group-ingress --group-id "$SG_CAT" --protocol tcp --port 9494 \
        --source-group "$SG_APP" >/dev/null
}

up_roles() {
    say "IAM roles"
    for r in app-exec app-task catalog-exec catalog-task; do
        aws iam create-role --role-name $S-$r --assume-role-policy-document "$TRUST" >/dev/null
    done
    aws iam create-role --role-name $S-infra --assume-role-policy-document "$ECS_TRUST" >/dev/null
    aws iam attach-role-policy --role-name $S-app-exec --policy-arn $MP/AmazonECSTaskExecutionRolePolicy
    aws iam attach-role-policy --role-name $S-catalog-exec --policy-arn $MP/AmazonECSTaskExecutionRolePolicy
    aws iam attach-role-policy --role-name $S-infra --policy-arn $MP/AmazonECSInfrastructureRolePolicyForVolumes
    aws iam put-role-policy --role-name $S-app-exec --policy-name secrets --policy-document \
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"secretsmanager:GetSecretValue\",\"Resource\":[\"$SEC_API\",\"$SEC_QUACK\"]}]}"
    aws iam put-role-policy --role-name $S-catalog-exec --policy-name secrets --policy-document \
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"secretsmanager:GetSecretValue\",\"Resource\":[\"$SEC_QUACK\"]}]}"
    aws iam put-role-policy --role-name $S-app-task --policy-name app --policy-document \
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:PutObject\",\"s3:DeleteObject\",\"s3:ListBucket\"],\"Resource\":[\"arn:aws:s3:::$S-data\",\"arn:aws:s3:::$S-data/*\"]},{\"Effect\":\"Allow\",\"Action\":[\"ssmmessages:CreateControlChannel\",\"ssmmessages:CreateDataChannel\",\"ssmmessages:OpenControlChannel\",\"ssmmessages:OpenDataChannel\"],\"Resource\":\"*\"}]}"
}

up_secrets() {
    say "secrets (generated)"
    pw=$(aws secretsmanager get-random-password --password-length 40 --exclude-punctuation --query RandomPassword)
    SEC_API=$(aws secretsmanager create-secret --name $S/api-key --secret-string "$pw" --query ARN)
    pw=$(aws secretsmanager get-random-password --password-length 40 --exclude-punctuation --query RandomPassword)
    SEC_QUACK=$(aws secretsmanager create-secret --name $S/quack-token --secret-string "$pw" --query ARN)
    pw=
}

up_bucket() {
    say "bucket and log groups"
    B=$S-data
    aws s3api create-bucket --bucket $B >/dev/null
    aws s3api put-public-access-block --bucket $B --public-access-block-configuration \
        BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
    aws s3api put-bucket-encryption --bucket $B --server-side-encryption-configuration \
        '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
    aws s3api put-bucket-policy --bucket $B --policy \
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"TLSOnly\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::$B\",\"arn:aws:s3:::$B/*\"],\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}"
    aws s3api put-bucket-tagging --bucket $B --tagging "TagSet=[{Key=stack,Value=$S}]"
    for g in app catalog; do
        aws logs create-log-group --log-group-name /ecs/$S-$g
        aws logs put-retention-policy --log-group-name /ecs/$S-$g --retention-in-days 30
    done
}

poll_operation() {
    while :; do
        st=$(aws servicediscovery get-operation --operation-id "$1" --query Operation.Status)
        case "$st" in
            SUCCESS) return 0 ;;
            FAIL) echo "aws-cli.sh: Cloud Map operation $1 failed" >&2; return 1 ;;
        esac
        sleep "$POLL"
    done
}

up_discovery() {
    say "Cloud Map namespace (polling the operation) and service"
    op=$(aws servicediscovery create-private-dns-namespace --name $S.internal --vpc "$VPC" --query OperationId)
    poll_operation "$op"
    NS=$(aws servicediscovery get-operation --operation-id "$op" --query Operation.Targets.NAMESPACE)
    SD_CAT=$(aws servicediscovery create-service --name catalog --namespace-id "$NS" \
        --dns-config 'RoutingPolicy=MULTIVALUE,DnsRecords=[{Type=A,TTL=10}]' \
        --health-check-custom-config FailureThreshold=1 --query Service.Arn)
}

up_lb() {
    say "load balancer (waiting until available), target group, listener, rule"
    LB=$(aws elbv2 create-load-balancer --name $S-public --type application --scheme internet-facing \
        --subnets "$SUB_A" "$SUB_B" --security-groups "$SG_LB" --query 'LoadBalancers[0].LoadBalancerArn')
    aws elbv2 wait load-balancer-available --load-balancer-arns "$LB"
    TG=$(aws elbv2 create-target-group --name $S-app --protocol HTTP --port 8080 --vpc-id "$VPC" \
        --target-type ip --health-check-path /healthz --query 'TargetGroups[0].TargetGroupArn')
    aws elbv2 modify-target-group-attributes --target-group-arn "$TG" \
        --attributes Key=deregistration_delay.timeout_seconds,Value=30 >/dev/null
    LISTENER=$(aws elbv2 create-listener --load-balancer-arn "$LB" --protocol HTTP --port 80 \
        --default-actions 'Type=fixed-response,FixedResponseConfig={StatusCode=404,ContentType=text/plain}' \
        --query 'Listeners[0].ListenerArn')
    aws elbv2 create-rule --listener-arn "$LISTENER" --priority 10 \
        --conditions 'Field=path-pattern,Values=/*' --actions "Type=forward,TargetGroupArn=$TG" >/dev/null
}

# Service-managed EBS volumes need a newer ECS model than CLI 2.9 has (see aws-cli.sh).
td_volumes() { [ $EBS = 1 ] && echo '"volumes":[{"name":"data","configuredAtLaunch":true}],' || :; }
td_mounts() { [ $EBS = 1 ] && echo '"mountPoints":[{"sourceVolume":"data","containerPath":"/var/lib/canardstack"}],' || :; }

taskdef() { # family port cpu memory exec-role task-role secrets-json command-json
    cat <<JSON
{"family":"$S-$1","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"$3","memory":"$4",
 "runtimePlatform":{"cpuArchitecture":"ARM64","operatingSystemFamily":"LINUX"},
 "executionRoleArn":"$5","taskRoleArn":"$6",
 $(td_volumes)
 "containerDefinitions":[{"name":"$1","image":"ghcr.io/example/canardstack:latest","essential":true,
  "command":$8,"portMappings":[{"containerPort":$2,"protocol":"tcp"}],
  "environment":[{"name":"CANARDSTACK_DATA_BUCKET","value":"$S-data"},
                 {"name":"CANARDSTACK_CATALOG_URL","value":"https://catalog.$S.internal:9494"}],
  "secrets":$7,
  $(td_mounts)
  "logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/$S-$1","awslogs-region":"$R","awslogs-stream-prefix":"ecs"}}}]}
JSON
}

up_ecs() {
    say "cluster, task definitions, services (waiting until stable)"
    aws ecs create-cluster --cluster-name $S >/dev/null
    iam=arn:aws:iam::$ACCOUNT:role
    TD_APP=$(aws ecs register-task-definition --cli-input-json "$(taskdef app 8080 1024 2048 $iam/$S-app-exec \
        $iam/$S-app-task "[{\"name\":\"CANARDSTACK_API_KEY\",\"valueFrom\":\"$SEC_API\"},{\"name\":\"CANARDSTACK_QUACK_TOKEN\",\"valueFrom\":\"$SEC_QUACK\"}]" \
        '["serve"]')" --query taskDefinition.taskDefinitionArn)
    TD_CAT=$(aws ecs register-task-definition --cli-input-json "$(taskdef catalog 9494 512 1024 $iam/$S-catalog-exec \
        $iam/$S-catalog-task "[{\"name\":\"CANARDSTACK_QUACK_TOKEN\",\"valueFrom\":\"$SEC_QUACK\"}]" \
        '["serve-catalog","--tls"]')" --query taskDefinition.taskDefinitionArn)
    volopt=
    [ $EBS = 1 ] && volopt="--volume-configurations [{\"name\":\"data\",\"managedEBSVolume\":{\"sizeInGiB\":20,\"volumeType\":\"gp3\",\"roleArn\":\"$iam/$S-infra\",\"filesystemType\":\"ext4\"}}]"
    [ $EBS = 1 ] || say "(no service-managed EBS volumes: this CLI's ECS model lacks them and ../shared is absent)"
    aws ecs create-service --cluster $S --service-name catalog --task-definition "$TD_CAT" --desired-count 1 \
        --launch-type FARGATE --enable-execute-command $volopt \
        --network-configuration "awsvpcConfiguration={subnets=[$SUB_A,$SUB_B],securityGroups=[$SG_CAT],assignPublicIp=ENABLED}" \
        --service-registries "registryArn=$SD_CAT" >/dev/null
    aws ecs create-service --cluster $S --service-name app --task-definition "$TD_APP" --desired-count 1 \
        --launch-type FARGATE --enable-execute-command $volopt \
        --network-configuration "awsvpcConfiguration={subnets=[$SUB_A,$SUB_B],securityGroups=[$SG_APP],assignPublicIp=ENABLED}" \
        --load-balancers "targetGroupArn=$TG,containerName=app,containerPort=8080" \
        --health-check-grace-period-seconds 60 >/dev/null
    aws ecs wait services-stable --cluster $S --services app catalog
}

up() {
    up_network
    up_groups
    up_secrets
    up_roles
    up_bucket
    up_discovery
    up_lb
    up_ecs
    say "up done"
}
