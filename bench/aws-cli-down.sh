# Sourced by aws-cli.sh: tear canardstack down by hand, finding everything again by name.

retry() { # retry CMD...: until it succeeds (DependencyViolation, ResourceInUse), bounded
    n=0
    until "$@" 2>/dev/null; do
        n=$((n + 1))
        [ $n -lt 240 ] || { echo "aws-cli.sh: gave up on: $*" >&2; return 1; }
        sleep "$POLL"
    done
}

down_ecs() {
    say "services (scale to zero, delete, wait inactive), Cloud Map"
    for svc in app catalog; do
        aws ecs update-service --cluster $S --service $svc --desired-count 0 >/dev/null
        aws ecs delete-service --cluster $S --service $svc --force >/dev/null
    done
    t=$(now); aws ecs wait services-inactive --cluster $S --services app catalog; waited services "$t"
    NS=$(aws servicediscovery list-namespaces --query "Namespaces[?Name=='$S.internal'].Id")
    for id in $(aws servicediscovery list-services --filters "Name=NAMESPACE_ID,Values=$NS" --query 'Services[].Id'); do
        t=$(now); retry aws servicediscovery delete-service --id "$id"; waited cloudmap-service "$t"
    done
    op=$(aws servicediscovery delete-namespace --id "$NS" --query OperationId)
    t=$(now); poll_operation "$op"; waited namespace "$t"
}

down_lb() {
    say "rule, listener, target group, load balancer (waiting until deleted)"
    LB=$(aws elbv2 describe-load-balancers --names $S-public --query 'LoadBalancers[0].LoadBalancerArn')
    for l in $(aws elbv2 describe-listeners --load-balancer-arn "$LB" --query 'Listeners[].ListenerArn'); do
        for r in $(aws elbv2 describe-rules --listener-arn "$l" --query 'Rules[?IsDefault==`false`].RuleArn'); do
            aws elbv2 delete-rule --rule-arn "$r"
        done
        aws elbv2 delete-listener --listener-arn "$l"
    done
    TG=$(aws elbv2 describe-target-groups --names $S-app --query 'TargetGroups[0].TargetGroupArn')
    aws elbv2 delete-target-group --target-group-arn "$TG"
    aws elbv2 delete-load-balancer --load-balancer-arn "$LB"
    t=$(now); aws elbv2 wait load-balancers-deleted --load-balancer-arns "$LB"; waited load-balancer "$t"
}

down_rest() {
    say "cluster, task definitions, log groups, secrets, bucket, roles"
    aws ecs delete-cluster --cluster $S >/dev/null
    for fam in app catalog; do
        for td in $(aws ecs list-task-definitions --family-prefix $S-$fam --query 'taskDefinitionArns[]'); do
            aws ecs deregister-task-definition --task-definition "$td" >/dev/null
        done
        aws logs delete-log-group --log-group-name /ecs/$S-$fam
    done
    for sec in api-key quack-token; do
        aws secretsmanager delete-secret --secret-id $S/$sec --force-delete-without-recovery >/dev/null
    done
    aws s3api delete-bucket --bucket $S-data
    for r in app-exec app-task catalog-exec catalog-task infra; do
        for p in $(aws iam list-attached-role-policies --role-name $S-$r --query 'AttachedPolicies[].PolicyArn'); do
            aws iam detach-role-policy --role-name $S-$r --policy-arn "$p"
        done
        for p in $(aws iam list-role-policies --role-name $S-$r --query 'PolicyNames[]'); do
            aws iam delete-role-policy --role-name $S-$r --policy-name "$p"
        done
        aws iam delete-role --role-name $S-$r
    done
}

down_network() {
    say "security groups (revoke cross-references, retry while in use), routes, gateway, subnets, VPC"
    VPC=$(aws ec2 describe-vpcs --filters Name=tag:Name,Values=$S --query 'Vpcs[0].VpcId')
    sg() { aws ec2 describe-security-groups --filters Name=vpc-id,Values=$VPC Name=group-name,Values=$S-$1 \
        --query 'SecurityGroups[0].GroupId'; }
    SG_LB=$(sg lb) SG_APP=$(sg app) SG_CAT=$(sg catalog)
    aws ec2 revoke-security-group-ingress --group-id "$SG_APP" --protocol tcp --port 8080 --source-group "$SG_LB" >/dev/null
    aws ec2 revoke-security-group-ingress --group-id "$SG_CAT" --protocol tcp --port 9494 --source-group "$SG_APP" >/dev/null
    for g in catalog:$SG_CAT app:$SG_APP lb:$SG_LB; do
        t=$(now); retry aws ec2 delete-security-group --group-id "${g#*:}"; waited security-group-${g%%:*} "$t"
    done
    RT=$(aws ec2 describe-route-tables --filters Name=tag:Name,Values=$S-public --query 'RouteTables[0].RouteTableId')
    for a in $(aws ec2 describe-route-tables --route-table-ids "$RT" --query 'RouteTables[0].Associations[].RouteTableAssociationId'); do
        aws ec2 disassociate-route-table --association-id "$a"
    done
    aws ec2 delete-route-table --route-table-id "$RT"
    IGW=$(aws ec2 describe-internet-gateways --filters Name=attachment.vpc-id,Values=$VPC \
        --query 'InternetGateways[0].InternetGatewayId')
    aws ec2 detach-internet-gateway --internet-gateway-id "$IGW" --vpc-id "$VPC"
    aws ec2 delete-internet-gateway --internet-gateway-id "$IGW"
    for s in $(aws ec2 describe-subnets --filters Name=vpc-id,Values=$VPC --query 'Subnets[].SubnetId'); do
        t=$(now); retry aws ec2 delete-subnet --subnet-id "$s"; waited subnet "$t"
    done
    aws ec2 delete-vpc --vpc-id "$VPC"
}

down() {
    down_ecs
    down_lb
    down_rest
    down_network
    say "down done"
}
