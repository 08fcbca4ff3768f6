/*
 * The one table that says what each service's error codes mean (aws_error_is). A row
 * names a service and an operation ("*" for any) and a code; the first row that matches
 * gives the classes. Rows for one operation come before the service's general rows.
 * ecsdeploy's own runtime codes (no service) are at the end.
 */
#include "aws_error.h"

#include <string.h>

typedef struct {
    const char *service;   /* "ec2", or "*" */
    const char *operation; /* "DescribeTaskDefinition", or "*" */
    const char *code;
    unsigned classes;
} error_row;

static const error_row rows[] = {
    /* ---- EC2 ---------------------------------------------------------------------- */
    /* an address a NAT gateway still holds (even a deleted one, for a while) */
    {"ec2", "ReleaseAddress", "AuthFailure", AWS_IS_IN_USE | AWS_IS_DENIED},
    {"ec2", "*", "DependencyViolation", AWS_IS_IN_USE},
    {"ec2", "*", "InvalidIPAddress.InUse", AWS_IS_IN_USE},
    {"ec2", "*", "Gateway.NotAttached", AWS_IS_NOT_FOUND},
    {"ec2", "*", "Resource.AlreadyAssociated", AWS_IS_EXISTS},
    {"ec2", "*", "RouteAlreadyExists", AWS_IS_EXISTS},
    {"ec2", "*", "InvalidPermission.Duplicate", AWS_IS_EXISTS},
    {"ec2", "*", "InvalidGroup.Duplicate", AWS_IS_EXISTS},
    {"ec2", "*", "InvalidSubnet.Conflict", AWS_IS_EXISTS},
    {"ec2", "*", "AuthFailure", AWS_IS_DENIED},
    /* ---- ECS ---------------------------------------------------------------------- */
    /* an unknown family is a ClientException, not a not-found code */
    {"ecs", "DescribeTaskDefinition", "ClientException", AWS_IS_NOT_FOUND},
    /* the revision is already inactive */
    {"ecs", "DeregisterTaskDefinition", "ClientException", AWS_IS_NOT_FOUND},
    {"ecs", "*", "ClusterNotFoundException", AWS_IS_NOT_FOUND},
    {"ecs", "*", "ServiceNotFoundException", AWS_IS_NOT_FOUND},
    {"ecs", "*", "ServiceNotActiveException", AWS_IS_NOT_FOUND},
    {"ecs", "*", "ClusterContainsServicesException", AWS_IS_IN_USE},
    {"ecs", "*", "ClusterContainsTasksException", AWS_IS_IN_USE},
    {"ecs", "*", "UpdateInProgressException", AWS_IS_BUSY},
    {"ecs", "*", "TargetNotConnectedException", AWS_IS_NOT_RUNNING},
    /* ---- ELBv2 -------------------------------------------------------------------- */
    /* a listener or attributes asked of a load balancer that AWS judged not ready yet
     * (or a configuration it refuses: the caller looks at the balancer's state) */
    {"elbv2", "CreateListener", "InvalidConfigurationRequest", AWS_IS_BUSY | AWS_IS_INVALID},
    {"elbv2", "ModifyLoadBalancerAttributes", "InvalidConfigurationRequest",
     AWS_IS_BUSY | AWS_IS_INVALID},
    {"elbv2", "*", "ResourceInUse", AWS_IS_IN_USE},
    {"elbv2", "*", "DuplicateListener", AWS_IS_EXISTS},
    {"elbv2", "*", "DuplicateLoadBalancerName", AWS_IS_EXISTS},
    {"elbv2", "*", "DuplicateTargetGroupName", AWS_IS_EXISTS},
    {"elbv2", "*", "PriorityInUse", AWS_IS_EXISTS},
    /* an internet-facing ALB in subnets whose route to the gateway is not there yet */
    {"elbv2", "CreateLoadBalancer", "InvalidSubnet", AWS_IS_BUSY},
    /* the target is not registered (yet): AWS's TargetInService waiter retries on it */
    {"elbv2", "DescribeTargetHealth", "InvalidInstance", AWS_IS_BUSY},
    {"elbv2", "*", "InvalidTarget", AWS_IS_NOT_FOUND},
    /* a listener's default certificate cannot be removed from its certificate list */
    {"elbv2", "RemoveListenerCertificates", "OperationNotPermitted", AWS_IS_INVALID},
    /* an ACM certificate not ISSUED (yet); CertificateNotFound is not found by its name */
    {"elbv2", "*", "UnsupportedCertificate", AWS_IS_BUSY},
    /* ---- Cloud Map ---------------------------------------------------------------- */
    {"servicediscovery", "*", "ResourceInUse", AWS_IS_IN_USE},
    {"servicediscovery", "*", "DuplicateRequest", AWS_IS_BUSY},
    {"servicediscovery", "*", "ServiceAlreadyExists", AWS_IS_EXISTS},
    {"servicediscovery", "*", "NamespaceAlreadyExists", AWS_IS_EXISTS},
    /* ---- IAM ---------------------------------------------------------------------- */
    {"iam", "*", "NoSuchEntity", AWS_IS_NOT_FOUND},
    {"iam", "*", "EntityAlreadyExists", AWS_IS_EXISTS},
    {"iam", "*", "DeleteConflict", AWS_IS_IN_USE},
    {"iam", "*", "LimitExceeded", AWS_IS_LIMIT},
    /* ---- S3 ----------------------------------------------------------------------- */
    {"s3", "*", "NoSuchTagSet", AWS_IS_NOT_FOUND},
    {"s3", "*", "BucketAlreadyOwnedByYou", AWS_IS_EXISTS},
    /* the name is held by another account (bucket names are global) */
    {"s3", "*", "BucketAlreadyExists", AWS_IS_EXISTS | AWS_IS_DENIED},
    {"s3", "*", "BucketNotEmpty", AWS_IS_IN_USE},
    {"s3", "*", "OperationAborted", AWS_IS_BUSY},
    {"s3", "*", "PreconditionFailed", AWS_IS_EXISTS},
    {"s3", "*", "ConditionalRequestConflict", AWS_IS_BUSY},
    {"s3", "*", "NoSuchCORSConfiguration", AWS_IS_NOT_FOUND | AWS_IS_NOT_SET},
    {"s3", "*", "NoSuchBucketPolicy", AWS_IS_NOT_FOUND | AWS_IS_NOT_SET},
    {"s3", "*", "InvalidRequest", AWS_IS_INVALID},
    {"s3", "*", "MalformedXML", AWS_IS_INVALID},
    /* ---- Application Auto Scaling --------------------------------------------------- */
    {"application-autoscaling", "*", "ConcurrentUpdateException", AWS_IS_BUSY},
    {"application-autoscaling", "*", "InvalidNextTokenException", AWS_IS_INVALID},
    {"application-autoscaling", "*", "FailedResourceAccessException", AWS_IS_DENIED},
    /* ---- CloudFront ----------------------------------------------------------------- */
    {"cloudfront", "*", "DistributionAlreadyExists", AWS_IS_EXISTS},
    {"cloudfront", "*", "OriginAccessControlAlreadyExists", AWS_IS_EXISTS},
    {"cloudfront", "*", "CNAMEAlreadyExists", AWS_IS_EXISTS},
    {"cloudfront", "*", "OriginAccessControlInUse", AWS_IS_IN_USE},
    {"cloudfront", "*", "ResponseHeadersPolicyAlreadyExists", AWS_IS_EXISTS},
    {"cloudfront", "*", "ResponseHeadersPolicyInUse", AWS_IS_IN_USE},
    {"cloudfront", "*", "ResourceInUse", AWS_IS_IN_USE},
    /* disabled, but the change has not yet deployed: wait for Deployed and try again */
    {"cloudfront", "*", "DistributionNotDisabled", AWS_IS_BUSY},
    /* someone changed it since its ETag was read: read it again */
    {"cloudfront", "*", "PreconditionFailed", AWS_IS_BUSY},
    {"cloudfront", "*", "InvalidIfMatchVersion", AWS_IS_INVALID},
    {"cloudfront", "*", "IllegalUpdate", AWS_IS_INVALID},
    {"cloudfront", "*", "InconsistentQuantities", AWS_IS_INVALID},
    {"cloudfront", "*", "InvalidArgument", AWS_IS_INVALID},
    {"cloudfront", "*", "InvalidOrigin", AWS_IS_INVALID},
    {"cloudfront", "*", "InvalidOriginAccessControl", AWS_IS_INVALID},
    {"cloudfront", "*", "IllegalOriginAccessConfiguration", AWS_IS_INVALID},
    {"cloudfront", "*", "InvalidDomainNameForOriginAccessControl", AWS_IS_INVALID},
    {"cloudfront", "*", "InvalidViewerCertificate", AWS_IS_INVALID},
    {"cloudfront", "*", "InvalidDefaultRootObject", AWS_IS_INVALID},
    {"cloudfront", "*", "InvalidErrorCode", AWS_IS_INVALID},
    {"cloudfront", "*", "InvalidRelativePath", AWS_IS_INVALID},
    {"cloudfront", "*", "InvalidTTLOrder", AWS_IS_INVALID},
    {"cloudfront", "*", "InvalidTagging", AWS_IS_INVALID},
    {"cloudfront", "*", "MissingBody", AWS_IS_INVALID},
    {"cloudfront", "*", "TooManyDistributions", AWS_IS_LIMIT},
    {"cloudfront", "*", "TooManyOriginAccessControls", AWS_IS_LIMIT},
    {"cloudfront", "*", "TooManyDistributionsAssociatedToOriginAccessControl", AWS_IS_LIMIT},
    {"cloudfront", "*", "TooManyResponseHeadersPolicies", AWS_IS_LIMIT},
    {"cloudfront", "*", "TooManyCustomHeadersInResponseHeadersPolicy", AWS_IS_LIMIT},
    /* ---- Route 53 (NoSuchHostedZone, NoSuchChange: not found by their names) --------- */
    {"route53", "*", "HostedZoneNotEmpty", AWS_IS_IN_USE},
    {"route53", "*", "HostedZoneAlreadyExists", AWS_IS_EXISTS},
    {"route53", "*", "ConflictingDomainExists", AWS_IS_EXISTS},
    {"route53", "*", "InvalidChangeBatch", AWS_IS_INVALID},
    {"route53", "*", "InvalidDomainName", AWS_IS_INVALID},
    {"route53", "*", "TooManyHostedZones", AWS_IS_LIMIT},
    /* ---- ACM (in use, not found, limits: the common rows below) -------------------- */
    {"acm", "*", "InvalidArnException", AWS_IS_INVALID},
    {"acm", "*", "InvalidDomainValidationOptionsException", AWS_IS_INVALID},
    {"acm", "*", "InvalidTagException", AWS_IS_INVALID},
    {"acm", "*", "RequestInProgressException", AWS_IS_BUSY},
    /* ---- RDS (DBInstanceNotFound, DBSubnetGroupNotFoundFault, DBSnapshotNotFound and
     * ElastiCache's ...NotFound... codes are read as not found by their spelling) ---- */
    {"rds", "*", "DBInstanceAlreadyExists", AWS_IS_EXISTS},
    {"rds", "*", "DBSubnetGroupAlreadyExists", AWS_IS_EXISTS},
    {"rds", "*", "DBSnapshotAlreadyExists", AWS_IS_EXISTS},
    {"rds", "*", "InvalidDBInstanceState", AWS_IS_BUSY},
    {"rds", "*", "InvalidDBSnapshotState", AWS_IS_BUSY},
    {"rds", "*", "InvalidDBSubnetGroupStateFault", AWS_IS_IN_USE},
    {"rds", "*", "SubnetAlreadyInUse", AWS_IS_IN_USE},
    {"rds", "*", "DBSubnetGroupDoesNotCoverEnoughAZs", AWS_IS_INVALID},
    {"rds", "*", "InvalidSubnet", AWS_IS_INVALID},
    {"rds", "*", "InvalidVPCNetworkStateFault", AWS_IS_INVALID},
    {"rds", "*", "StorageTypeNotSupported", AWS_IS_INVALID},
    {"rds", "*", "KMSKeyNotAccessibleFault", AWS_IS_DENIED},
    {"rds", "*", "InstanceQuotaExceeded", AWS_IS_LIMIT},
    {"rds", "*", "StorageQuotaExceeded", AWS_IS_LIMIT},
    {"rds", "*", "DBSubnetGroupQuotaExceeded", AWS_IS_LIMIT},
    {"rds", "*", "SnapshotQuotaExceeded", AWS_IS_LIMIT},
    {"rds", "*", "InsufficientDBInstanceCapacity", AWS_IS_LIMIT},
    /* ---- EFS (FileSystemNotFound, MountTargetNotFound, ...: by their spelling) ------- */
    {"efs", "*", "PolicyNotFound", AWS_IS_NOT_SET},
    {"efs", "*", "FileSystemAlreadyExists", AWS_IS_EXISTS},
    {"efs", "*", "AccessPointAlreadyExists", AWS_IS_EXISTS},
    {"efs", "*", "MountTargetConflict", AWS_IS_EXISTS},
    {"efs", "*", "FileSystemInUse", AWS_IS_IN_USE},
    {"efs", "*", "IncorrectFileSystemLifeCycleState", AWS_IS_BUSY},
    {"efs", "*", "IncorrectMountTargetState", AWS_IS_BUSY},
    {"efs", "*", "DependencyTimeout", AWS_IS_BUSY},
    {"efs", "*", "InsufficientThroughputCapacity", AWS_IS_BUSY},
    {"efs", "*", "TooManyRequests", AWS_IS_THROTTLED},
    {"efs", "*", "FileSystemLimitExceeded", AWS_IS_LIMIT},
    {"efs", "*", "AccessPointLimitExceeded", AWS_IS_LIMIT},
    {"efs", "*", "NetworkInterfaceLimitExceeded", AWS_IS_LIMIT},
    {"efs", "*", "SecurityGroupLimitExceeded", AWS_IS_LIMIT},
    {"efs", "*", "ThroughputLimitExceeded", AWS_IS_LIMIT},
    {"efs", "*", "NoFreeAddressesInSubnet", AWS_IS_LIMIT},
    {"efs", "*", "BadRequest", AWS_IS_INVALID},
    {"efs", "*", "InvalidPolicyException", AWS_IS_INVALID},
    {"efs", "*", "IpAddressInUse", AWS_IS_INVALID},
    {"efs", "*", "AvailabilityZonesMismatch", AWS_IS_INVALID},
    {"efs", "*", "UnsupportedAvailabilityZone", AWS_IS_INVALID},
    /* ---- SSM Parameter Store (ParameterNotFound, ParameterVersionNotFound: spelling) -- */
    {"ssm", "*", "ParameterAlreadyExists", AWS_IS_EXISTS},
    {"ssm", "*", "InvalidResourceId", AWS_IS_NOT_FOUND}, /* tags of a missing parameter */
    {"ssm", "*", "TooManyUpdates", AWS_IS_BUSY},
    {"ssm", "*", "ParameterLimitExceeded", AWS_IS_LIMIT},
    {"ssm", "*", "ParameterMaxVersionLimitExceeded", AWS_IS_LIMIT},
    {"ssm", "*", "ParameterVersionLabelLimitExceeded", AWS_IS_LIMIT},
    {"ssm", "*", "HierarchyLevelLimitExceededException", AWS_IS_LIMIT},
    {"ssm", "*", "PoliciesLimitExceededException", AWS_IS_LIMIT},
    {"ssm", "*", "TooManyTagsError", AWS_IS_LIMIT},
    {"ssm", "*", "InvalidKeyId", AWS_IS_INVALID},
    {"ssm", "*", "HierarchyTypeMismatchException", AWS_IS_INVALID},
    {"ssm", "*", "UnsupportedParameterType", AWS_IS_INVALID},
    {"ssm", "*", "ParameterPatternMismatchException", AWS_IS_INVALID},
    {"ssm", "*", "InvalidAllowedPatternException", AWS_IS_INVALID},
    {"ssm", "*", "IncompatiblePolicyException", AWS_IS_INVALID},
    {"ssm", "*", "InvalidPolicyTypeException", AWS_IS_INVALID},
    {"ssm", "*", "InvalidPolicyAttributeException", AWS_IS_INVALID},
    {"ssm", "*", "InvalidFilterKey", AWS_IS_INVALID},
    {"ssm", "*", "InvalidFilterOption", AWS_IS_INVALID},
    {"ssm", "*", "InvalidFilterValue", AWS_IS_INVALID},
    {"ssm", "*", "InvalidNextToken", AWS_IS_INVALID},
    {"ssm", "*", "InvalidResourceType", AWS_IS_INVALID},
    /* ---- Logs, Secrets Manager, and the JSON services' common spellings ------------ */
    {"*", "*", "ResourceNotFoundException", AWS_IS_NOT_FOUND},
    {"*", "*", "ResourceAlreadyExistsException", AWS_IS_EXISTS},
    {"*", "*", "ResourceExistsException", AWS_IS_EXISTS},
    {"*", "*", "ResourceInUseException", AWS_IS_IN_USE},
    {"*", "*", "InvalidRequestException", AWS_IS_INVALID},
    {"*", "*", "InvalidParameterException", AWS_IS_INVALID},
    {"*", "*", "InvalidParameterValue", AWS_IS_INVALID},
    {"*", "*", "InvalidParameterCombination", AWS_IS_INVALID},
    {"*", "*", "ValidationException", AWS_IS_INVALID},
    {"*", "*", "ValidationError", AWS_IS_INVALID},
    {"*", "*", "InvalidInput", AWS_IS_INVALID},
    {"*", "*", "MalformedPolicyDocument", AWS_IS_INVALID},
    {"*", "*", "LimitExceededException", AWS_IS_LIMIT},
    {"*", "*", "TooManyTagsException", AWS_IS_LIMIT},
    {"*", "*", "ConflictException", AWS_IS_BUSY},
    {"*", "*", "OperationInProgressException", AWS_IS_BUSY},
    {"*", "*", "IncorrectState", AWS_IS_BUSY},
    {"*", "*", "AccessDenied", AWS_IS_DENIED},
    /* HTTP 403 without a body (S3's HEAD): the code is the status's name */
    {"*", "*", "Forbidden", AWS_IS_DENIED},
    {"*", "*", "AccessDeniedException", AWS_IS_DENIED},
    {"*", "*", "UnauthorizedOperation", AWS_IS_DENIED},
    {"*", "*", "UnrecognizedClientException", AWS_IS_DENIED},
    {"*", "*", "InvalidClientTokenId", AWS_IS_DENIED},
    {"*", "*", "SignatureDoesNotMatch", AWS_IS_DENIED},
    {"*", "*", "ExpiredToken", AWS_IS_DENIED},
    {"*", "*", "ExpiredTokenException", AWS_IS_DENIED},
    {"*", "*", "Throttling", AWS_IS_THROTTLED},
    {"*", "*", "ThrottlingException", AWS_IS_THROTTLED},
    {"*", "*", "ThrottledException", AWS_IS_THROTTLED},
    {"*", "*", "TooManyRequestsException", AWS_IS_THROTTLED},
    {"*", "*", "RequestLimitExceeded", AWS_IS_THROTTLED},
    {"*", "*", "RequestThrottled", AWS_IS_THROTTLED},
    {"*", "*", "RequestThrottledException", AWS_IS_THROTTLED},
    {"*", "*", "SlowDown", AWS_IS_THROTTLED},
    {"*", "*", "ProvisionedThroughputExceededException", AWS_IS_THROTTLED},
    {"*", "*", "PriorRequestNotComplete", AWS_IS_THROTTLED},
    {"*", "*", "EC2ThrottledException", AWS_IS_THROTTLED},
    {"*", "*", "BandwidthLimitExceeded", AWS_IS_THROTTLED},
    /* ---- ecsdeploy's own codes (runtime, waits, exec) ----------------------------- */
    {"", "*", "Interrupted", AWS_IS_CANCELLED},
    {"", "*", "Cancelled", AWS_IS_CANCELLED},
    {"", "*", "WaitTimeout", AWS_IS_TIMED_OUT},
    {"", "*", "WaiterTimeout", AWS_IS_TIMED_OUT},
    {"", "*", "ExecTimeout", AWS_IS_TIMED_OUT},
    {"", "*", "NoCredentials", AWS_IS_NO_CREDENTIALS},
    {"", "*", "PartialCredentials", AWS_IS_NO_CREDENTIALS},
    {"", "*", "NoRunningTask", AWS_IS_NOT_RUNNING},
    {"", "*", "ExecAgentNotRunning", AWS_IS_NOT_RUNNING},
    {"", "*", "TaskNotRunning", AWS_IS_NOT_RUNNING},
};

static int matches(const char *want, const char *have)
{
    return strcmp(want, "*") == 0 || strcmp(want, have) == 0;
}

/* Codes that say "not found" the same way in every service: "...NotFound",
 * "...NotFoundException", "NoSuch...", "...NotFound.Xxx" (EC2's InvalidVpcID.NotFound). */
static int spelled_not_found(const char *code)
{
    return strstr(code, "NotFound") != NULL || strncmp(code, "NoSuch", 6) == 0;
}

unsigned aws_error_classes(const aws_error *e)
{
    if (!e || e->kind == AWS_ERR_NONE || !e->code[0])
        return e && e->kind == AWS_ERR_TIMEOUT ? AWS_IS_TIMED_OUT : 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const error_row *r = &rows[i];
        if (strcmp(r->code, e->code) != 0)
            continue;
        /* ecsdeploy's own rows match only errors no service answered */
        if (!r->service[0] ? e->service[0] != '\0'
                           : !matches(r->service, e->service) ||
                                 !matches(r->operation, e->operation))
            continue;
        return r->classes;
    }
    unsigned c = 0;
    if (e->kind == AWS_ERR_SERVICE && spelled_not_found(e->code))
        c |= AWS_IS_NOT_FOUND;
    if (e->kind == AWS_ERR_TIMEOUT)
        c |= AWS_IS_TIMED_OUT;
    return c;
}

int aws_error_is(const aws_error *e, unsigned classes)
{
    return (aws_error_classes(e) & classes) != 0;
}
