/*
 * The stack file: loading, parameters, interpolation, validation and the typed model.
 *
 * stack_load_file() reads a stack file (YAML or JSON), applies parameters and --set /
 * --set-file, checks everything that can be checked without a network call, and returns a
 * stack_model. Every problem found is collected in a stack_diags (FILE:LINE:COLUMN: message).
 *
 * The model is plain data: structs with arrays and counts, every string owned by the
 * model, one stack_free() for all of it. Defaults are already applied, so a consumer never
 * has to know them. The format itself is documented in man/ecsdeploy-stack.5.
 *
 * Strings and references. Parameters (${name}), ${stack} and ${env:NAME} are replaced at
 * load time. References to values known only after creation, ${KIND.NAME.ATTR} with KIND
 * one of load_balancers, secrets, buckets, services, zones, sites, ci, databases, caches,
 * are allowed only in "template"
 * fields (marked TEMPLATE below: environment values, command and entry point items,
 * outputs); there they stay in the string as written, checked to name an existing target
 * and a known attribute, and listed in stack_model.refs. In a template "$${" stands for a
 * literal "${"; stack_template_resolve() turns a template into its final text. All other
 * strings are final text.
 *
 * What the model implies (for the resources layer):
 * - a service with a load balancer: the LB's group may reach the service's group on
 *   lb.port; its target group is type ip, health-checked per lb.health;
 * - allow_from: ingress into the service's own group from another service's group, an
 *   existing group or a CIDR, on `port` or every port of the service;
 * - reach: one ingress rule we own inside an existing group (from the service's group);
 * - an EBS volume, or a strategy other than rolling, needs the stack's infrastructure role;
 * - exec needs the ssmmessages permissions on the task role;
 * - a secret with source BOOTSTRAP is created by its bootstrap step, after that step's
 *   service is first steady; services using it wait for that (no cycle, checked);
 * - AWS names come from stack_names.h; every one was checked against AWS's limits.
 */
#ifndef ECSDEPLOY_STACK_H
#define ECSDEPLOY_STACK_H

#include <stddef.h>
#include <stdio.h>

/* Where something was written in the stack file (1-based; 0 when not from the file). */
typedef struct {
    int line;
    int col;
} stack_loc;

/* ---- problems -------------------------------------------------------------------- */

typedef struct {
    stack_loc loc;
    char *message;
} stack_diag;

typedef struct {
    char *file;       /* the file name used in messages */
    stack_diag *items; /* in file order (sorted by the loader) */
    size_t n, cap;
} stack_diags;

/* Most problems printed before "... and N more problems". */
#define STACK_DIAG_PRINT_CAP 50

/* Print every problem as "FILE:LINE:COLUMN: message" (or "FILE: message" when it has no
 * place in the file), at most `cap` of them, then "and N more problems". */
void stack_diags_print(const stack_diags *d, FILE *out, size_t cap);
void stack_diags_free(stack_diags *d);

/* ---- parameters ---------------------------------------------------------------- */

typedef enum { STACK_PARAM_DEFAULT, STACK_PARAM_SET, STACK_PARAM_SET_FILE, STACK_PARAM_ENVIRONMENT } stack_param_origin;

typedef struct {
    char *name;
    char *value;        /* the value used: --set/--set-file, else the default */
    char *default_value; /* NULL when there is none */
    char **allowed;     /* empty: anything */
    size_t nallowed;
    char *description;  /* NULL when there is none */
    stack_param_origin origin;
    stack_loc loc;
} stack_param;

/* ---- network ------------------------------------------------------------------- */

typedef enum { STACK_VPC_NEW, STACK_VPC_EXISTING, STACK_VPC_DEFAULT } stack_vpc_mode;
typedef enum { STACK_NAT_NONE, STACK_NAT_SINGLE, STACK_NAT_PER_ZONE } stack_nat;
typedef enum { STACK_TIER_PUBLIC, STACK_TIER_PRIVATE } stack_tier;

typedef struct {
    stack_tier tier;
    int zone;   /* 0-based index into the region's first `zones` zones, in name order */
    char *cidr; /* carved from the VPC CIDR */
    int ipv6_block; /* with network.ipv6: which /64 of the VPC's /56 (the same block number) */
} stack_subnet;

typedef struct {
    stack_vpc_mode mode;
    /* STACK_VPC_NEW */
    char *cidr;            /* e.g. "10.40.0.0/16" (normalised network address) */
    int zones;             /* 1..6, default 2 */
    stack_nat nat;          /* default none */
    int subnet_prefix;     /* prefix length of every carved subnet */
    int public_subnets;    /* 1 when the public tier is created (unless `subnets:` omits it) */
    int private_subnets;   /* 1 when the private tier is created: nat is not none, a
                            * service or load balancer asks for it, or `subnets:` lists it */
    stack_subnet *subnets;  /* public tier first, each tier in zone order */
    size_t nsubnets;
    int ipv6;              /* network.ipv6: a dual-stack VPC (an Amazon-provided /56), subnets
                            * with /64s, IPv6 routes and dual-stack internet-facing ALBs */
    /* STACK_VPC_EXISTING */
    char *vpc_id;
    char **public_subnet_ids;
    size_t npublic_subnet_ids;
    char **private_subnet_ids;
    size_t nprivate_subnet_ids;
    stack_loc loc;
} stack_network;

/* An IPv6 block "2001:db8::/32": read into its 16 bytes and prefix (0; -1 when it is
 * not one), and written in the one form AWS answers with (RFC 5952: lowercase, zeros
 * compressed; a new string, NULL if it cannot be). */
int stack_cidr6_parse(const char *text, unsigned char addr[16], int *prefix);
char *stack_cidr6_format(const unsigned char addr[16], int prefix);

/* ---- secrets, buckets ------------------------------------------------------------ */

typedef enum {
    STACK_SECRET_GENERATE,  /* generated at first creation (util_random_password) */
    STACK_SECRET_FILE,      /* contents of `path` at first creation */
    STACK_SECRET_ENV,       /* value of environment variable `env` at first creation */
    STACK_SECRET_EXISTING,  /* an existing secret (ARN or name); read, never changed */
    STACK_SECRET_BOOTSTRAP  /* filled by a bootstrap step */
} stack_secret_source;

typedef struct {
    char *name; /* logical name */
    stack_secret_source source;
    int length;               /* GENERATE: 8..4096, default 32 */
    int lowercase, uppercase, digits, symbols; /* GENERATE: classes, default 1,1,1,0 */
    char *exclude;            /* GENERATE: characters never used, or NULL */
    char *path;               /* FILE */
    char *env;                /* ENV */
    char *existing;           /* EXISTING: ARN or name */
    char *description;        /* or NULL */
    int keep;                 /* survive `down` (default 1) */
    int or_generate;          /* FILE or ENV with `generate:` beside it: the given value
                               * when the file or variable is there at first creation,
                               * else one generated like GENERATE */
    stack_loc loc;
} stack_secret;

typedef enum { STACK_ENC_SSE_S3, STACK_ENC_SSE_KMS } stack_bucket_encryption;

typedef struct {
    char *prefix;      /* "" for the whole bucket */
    int expire_days;   /* 0: none */
    int noncurrent_expire_days; /* 0: none */
    stack_loc loc;
} stack_lifecycle_rule;

/* A CORS rule of a bucket (S3's CORSRule). */
typedef struct {
    char **origins;         /* AllowedOrigin: "https://app.example.com", at most one '*' each */
    size_t norigins;
    char **methods;         /* AllowedMethod: GET, PUT, HEAD, POST, DELETE */
    size_t nmethods;
    char **headers;         /* AllowedHeader (may be empty), at most one '*' each */
    size_t nheaders;
    char **expose_headers;  /* ExposeHeader (may be empty), no '*' */
    size_t nexpose_headers;
    int max_age;            /* MaxAgeSeconds; -1: not set */
    stack_loc loc;
} stack_cors_rule;

typedef struct {
    char *name;        /* logical name */
    char *bucket_name; /* the S3 name given by `name:`, or NULL for the default one,
                        * STACK-NAME-HASH (stack_name_bucket), which needs the account and
                        * the region: the resources layer knows it (node bucket/NAME) */
    stack_bucket_encryption encryption; /* default SSE-S3 */
    char *kms_key;     /* SSE-KMS key id/ARN, or NULL for the AWS-managed key */
    int block_public_access; /* default 1 */
    int tls_only;      /* bucket policy denying aws:SecureTransport=false; default 1 */
    int versioning;    /* default 0 */
    stack_lifecycle_rule *lifecycle;
    size_t nlifecycle;
    stack_cors_rule *cors; /* none: the bucket has no CORS configuration */
    size_t ncors;
    int keep;          /* default 1 */
    stack_loc loc;
} stack_bucket;

/* A name and its value: environment variables, tags, response headers. */
typedef struct {
    char *name;      /* "KEY" */
    char *value;     /* TEMPLATE */
} stack_env;

/* ---- sites (a bucket served through CloudFront) and the CI identity ---------------- */

typedef enum { STACK_PRICE_ALL, STACK_PRICE_200, STACK_PRICE_100 } stack_price_class;

typedef struct {
    char *name;            /* logical name */
    char *bucket;          /* logical name of a bucket of the stack */
    char *path;            /* origin path "/latest" (objects under latest/), or NULL */
    char *domain;          /* alternate domain name (CNAME), or NULL: CloudFront's own */
    char *certificate_arn; /* an ACM certificate in us-east-1, or NULL */
    int certificate_auto;  /* `certificate: auto`: a DNS-validated one (needs the DNS kinds) */
    char *default_root_object; /* default "index.html"; "" for none */
    int spa;               /* a single-page app: 403 and 404 answer /index.html with 200 */
    stack_price_class price_class; /* default all */
    stack_env *headers;    /* response headers CloudFront sets (a response headers policy) */
    size_t nheaders;
    stack_loc loc;
} stack_site;

/* `ci: { github: {...}, publish: [...] }`: an IAM role GitHub Actions may assume. */
typedef struct {
    int enabled;           /* 1 when the file has `ci:` */
    char *repository;      /* "owner/repo" */
    char **branches;       /* may deploy from these branches (glob patterns allowed) */
    size_t nbranches;
    char **environments;   /* ... and from jobs in these GitHub environments */
    size_t nenvironments;
    char **publish;        /* sites whose bucket and cache the role may also write */
    size_t npublish;
    stack_loc loc;
} stack_ci;

/* ---- databases and caches ------------------------------------------------------ */

typedef enum { STACK_DB_POSTGRES, STACK_DB_MYSQL } stack_db_engine;

/* An RDS DB instance the stack creates (PostgreSQL or MySQL: RDS instances, not Aurora),
 * or, with `existing`, one it only reads and opens to the services that use it. A
 * created one has storage encryption, automated backups and a master password that RDS
 * keeps in Secrets Manager (ManageMasterUserPassword): ecsdeploy never sees it. */
typedef struct {
    char *name;            /* logical name */
    char *existing;        /* an existing instance's identifier; the members below are unused */
    char *identifier;      /* created: the RDS identifier, STACK-NAME (stack_name_database) */
    stack_db_engine engine; /* default postgres */
    char *version;         /* "16", "16.8", "8.0", "8.0.41"; NULL: RDS's default */
    char *instance_class;  /* default db.t4g.micro */
    int storage_gib;       /* default 20 */
    char *storage_type;    /* gp3 (default) or gp2 */
    int multi_az;          /* default 0 */
    char *db_name;         /* the database created in it; default the logical name, '-' as '_' */
    char *user;            /* master user; default postgres (PostgreSQL) or admin (MySQL) */
    int port;              /* the engine's: 5432 or 3306 */
    int backup_retention_days; /* 1..35, default 7 */
    int deletion_protection; /* default 1 */
    int keep;              /* survives `down` unless --purge; default 1 */
    int final_snapshot;    /* `down --purge` takes one first; default 1 */
    stack_tier tier;        /* its subnets: default private when the network has them */
    char **subnet_ids;     /* or these subnets (an existing VPC): two zones at least */
    size_t nsubnet_ids;
    stack_loc loc;
} stack_database;

/* An existing ElastiCache cache: a replication group, serverless cache or cache cluster. */
typedef struct {
    char *name;            /* logical name */
    char *existing;        /* its identifier */
    stack_loc loc;
} stack_cache;

/* A container's use of a database or cache: the environment variables that receive its
 * values (NULL: not wanted). The password (databases only) is a container secret read
 * from the RDS-managed secret ("ARN:password::"); the others are environment values. */
typedef struct {
    char *name;            /* logical database or cache name */
    char *host, *port, *db_name, *user, *password;
    size_t container;      /* which of the service's containers gets them (0: the main one) */
    stack_loc loc;
} stack_store_use;

/* 1 when uses[i] names a database or cache that an earlier one names (another container
 * of the same service uses it too): what is per service (rules, permissions) is done once. */
int stack_store_use_repeats(const stack_store_use *uses, size_t i);

/* ---- file systems, Parameter Store (storage.c) ------------------------------------ */

/* An EFS access point the stack makes on one of its file systems. */
typedef struct {
    char *name;        /* logical name (a key of access_points:) */
    char *path;        /* root directory, default "/NAME"; made with owner uid:gid and
                        * `permissions` the first time a client mounts through it */
    long long uid, gid; /* POSIX identity every client gets; -1: none (then the directory
                        * is owned by 0:0) */
    char *permissions; /* the root directory's mode, octal, default "755" */
    stack_loc loc;
} stack_access_point;

typedef struct {
    char *name;             /* logical name */
    char *existing;         /* fs-… of a file system the stack does not own, or NULL */
    int keep;               /* survives `down` unless --purge (default 1) */
    char *performance_mode; /* generalPurpose (default) or maxIO */
    char *throughput_mode;  /* elastic (default), bursting or provisioned */
    int provisioned_mibps;  /* provisioned only: 1..3414 */
    char *kms_key;          /* a KMS key for encryption at rest, or NULL: aws/elasticfilesystem */
    int backup;             /* automatic backups (default 0) */
    stack_access_point *access_points;
    size_t naccess_points;
    stack_loc loc;
} stack_file_system;

typedef enum {
    STACK_SSM_VALUE,    /* `value:` */
    STACK_SSM_FILE,     /* `from_file:` */
    STACK_SSM_GENERATE, /* `generate:` (util_random_password at first creation) */
    STACK_SSM_EXISTING, /* `existing: true`: a parameter the stack reads and never changes */
    STACK_SSM_PATH      /* `path:` with `existing: true`: every parameter under a path */
} stack_ssm_source;

/* A Parameter Store entry. A SecureString's value (VALUE) is a secret: it never reaches
 * the JSON model, a plan, an event or a log. */
typedef struct {
    char *name;         /* logical name */
    char *ssm_name;     /* the parameter's name ("/STACK/NAME" by default); PATH: the path,
                         * without its trailing slash ("/news-api") */
    char *type;         /* "String", "StringList" or "SecureString" (default for what the
                         * stack creates); NULL: an existing one whose type the file does
                         * not say (checked at deploy time) */
    stack_ssm_source source;
    char *value;        /* VALUE */
    char *path;         /* FILE: the file whose contents are the value */
    stack_secret generator; /* GENERATE: length, classes and exclude, as a secret's */
    char *kms_key;      /* SecureString: key id or ARN; NULL: the AWS-managed alias/aws/ssm */
    char *description;  /* or NULL */
    int keep;           /* survive `down` (default 1) */
    int used_as_value;  /* some ${parameter_store.NAME.value} reads it */
    stack_loc loc;
} stack_ssm_parameter;

/* ---- load balancers -------------------------------------------------------------- */

typedef enum { STACK_AUTH_NONE, STACK_AUTH_OIDC, STACK_AUTH_COGNITO } stack_auth_kind;

/* An authenticate action put before the forward action. */
typedef struct {
    stack_auth_kind kind;
    /* OIDC */
    char *issuer, *authorization_endpoint, *token_endpoint, *user_info_endpoint;
    char *client_id;
    char *client_secret; /* logical name of a secret holding the client secret */
    /* COGNITO */
    char *user_pool_arn, *user_pool_client_id, *user_pool_domain;
    /* both */
    char *scope;            /* default "openid" */
    int session_timeout;    /* seconds, default 604800 */
    char *on_unauthenticated; /* "authenticate" (default), "deny" or "allow" */
    stack_loc loc;
} stack_auth;

typedef enum { STACK_PROTO_HTTP, STACK_PROTO_HTTPS } stack_lb_protocol;

typedef struct {
    int port;
    stack_lb_protocol protocol; /* default HTTPS when certificates are given, else HTTP */
    char **certificates;       /* HTTPS: ACM ARNs, the first is the default (after a managed
                                * certificate, which comes first when there is one) */
    size_t ncertificates;
    /* HTTPS: a DNS-validated certificate the stack requests (`certificate: auto` or a list
     * of names): its names, lower case, the first one the certificate's subject (for auto:
     * the load balancer's domains); none: no managed certificate */
    char **managed_names;
    size_t nmanaged_names;
    int certificate_auto;      /* the names came from `certificate: auto` */
    char *tls_policy;          /* HTTPS: default ELBSecurityPolicy-TLS13-1-2-2021-06 */
    int redirect_port;         /* >0: this listener only redirects to HTTPS on that port */
    stack_auth auth;            /* applied to every forward of this listener */
    stack_loc loc;
} stack_listener;

typedef struct {
    char *name;         /* logical name */
    int internal;       /* scheme: 0 internet-facing (default), 1 internal */
    stack_tier tier;     /* subnets: default public, private when internal */
    int idle_timeout;   /* seconds, 1..4000, default 60 */
    char **allow_cidrs; /* who may connect: default 0.0.0.0/0; internal ones default to the
                         * new VPC's CIDR, and stay empty (meaning "the VPC's CIDR, looked up")
                         * with an existing or the default VPC */
    size_t nallow_cidrs;
    stack_listener *listeners;
    size_t nlisteners;
    char **domains;     /* `domain:` / `domains:`: names (lower case, a leading "*." allowed)
                         * with alias records to the balancer, in the stack's zone that holds
                         * them or the account's longest public zone that does */
    size_t ndomains;
    stack_loc loc;
} stack_load_balancer;

/* ---- hosted zones ------------------------------------------------------------------ */

typedef struct {
    char *name;        /* logical name */
    char *domain;      /* the zone's DNS name, lower case, no final dot: "fdk.example.com" */
    int keep;          /* survives `down` unless --purge (default 1): the delegation to its
                        * name servers is set up by hand at the registrar */
    stack_loc loc;
} stack_zone;

/* ---- services -------------------------------------------------------------------- */

typedef enum { STACK_ARCH_X86_64, STACK_ARCH_ARM64 } stack_arch;
typedef enum { STACK_DEP_START, STACK_DEP_COMPLETE, STACK_DEP_SUCCESS, STACK_DEP_HEALTHY } stack_dep_condition;


typedef struct {
    char *env;       /* environment variable */
    char *secret;    /* logical secret name, or NULL when the value is a parameter's */
    char *json_key;  /* a key of a JSON secret, or NULL for the whole value */
    char *parameter; /* logical name of a parameter_store entry, or NULL */
    char *parameter_sub; /* under a PATH entry: the name below the path ("db/url"), else NULL */
    stack_loc loc;
} stack_secret_env;

typedef struct {
    int port;
    char *protocol;  /* "tcp" (default) or "udp" */
    stack_loc loc;
} stack_port;

typedef struct {
    int set;         /* 0: no container health check */
    char **command;  /* ECS form, e.g. {"CMD-SHELL", "curl -f localhost/ || exit 1"} */
    size_t ncommand;
    int interval, timeout, retries, start_period; /* seconds; defaults 30, 5, 3, 0 */
    stack_loc loc;
} stack_health_check;

typedef struct {
    char *container;
    stack_dep_condition condition;
    stack_loc loc;
} stack_dependency;

typedef struct {
    char *name;      /* one of ECS's ulimit names: nofile, nproc, core, ... */
    int soft, hard;  /* soft <= hard */
    stack_loc loc;
} stack_ulimit;

typedef struct {
    char *name;          /* the main container is named like its service */
    char *image;
    char **command;      /* TEMPLATE items; NULL/0: the image's default */
    size_t ncommand;
    char **entry_point;  /* TEMPLATE items */
    size_t nentry_point;
    int cpu;             /* units reserved for this container, 0: unset */
    int memory;          /* hard limit MiB, 0: unset */
    int essential;       /* main: 1; sidecar: default 1; init: 0 */
    int init;            /* runs before the main container, which waits for its success */
    char *working_dir, *user; /* or NULL */
    stack_port *ports;
    size_t nports;
    stack_env *environment;
    size_t nenvironment;
    stack_secret_env *secrets;
    size_t nsecrets;
    stack_health_check health;
    stack_dependency *depends_on;
    size_t ndepends_on;
    int readonly_root;   /* readonlyRootFilesystem; default 0 */
    stack_ulimit *ulimits;
    size_t nulimits;
    char *repository_credentials; /* logical secret name holding {"username","password"}
                                   * for a private registry, or NULL */
    stack_loc loc;
} stack_container;

typedef struct {
    char *path;          /* "/healthz" (default "/") */
    int port;            /* 0: the traffic port */
    char *matcher;       /* HTTP codes, default "200-399" */
    int interval, timeout, healthy_threshold, unhealthy_threshold; /* 10, 5, 2, 3 */
    stack_loc loc;
} stack_lb_health;

/* A service's place behind a load balancer. */
typedef struct {
    char *load_balancer;   /* logical name */
    char *container;       /* default: the main container */
    int port;              /* container port, default the container's first port */
    char **paths;          /* path patterns; none: every path */
    size_t npaths;
    char **hosts;          /* host patterns; none: every host */
    size_t nhosts;
    int priority;          /* rule priority 1..50000; 0: derived from file order */
    int *listeners;        /* listener ports; empty: every forwarding listener */
    size_t nlisteners;
    int test_listener;     /* blue/green test listener port, 0: none */
    stack_lb_health health;
    int deregistration_delay; /* seconds, default 15 */
    int grace_period;      /* health check grace period, seconds, default 0 */
    stack_auth auth;        /* authenticate before forwarding (overrides the listener's) */
    stack_loc loc;
} stack_lb_attach;

typedef enum { STACK_VOL_EBS, STACK_VOL_EFS } stack_volume_kind;

typedef struct {
    char *name;          /* volume name in the task definition (default vol-N) */
    char *path;          /* mount path */
    char *container;     /* container that mounts it (default the main one) */
    int read_only;
    stack_volume_kind kind;
    /* EBS, managed by the service (configuredAtLaunch) */
    int size_gib;
    char *type;          /* gp3 (default), gp2, io1, io2, st1, sc1, standard */
    int iops, throughput; /* 0: AWS default */
    int encrypted;       /* default 1 */
    char *kms_key;       /* or NULL */
    char *filesystem;    /* ext3, ext4 (default), xfs */
    /* EFS by id (the older form): file_system_id, root_directory, access_point (fsap-…) */
    char *file_system_id;
    char *root_directory; /* or NULL */
    char *access_point;  /* or NULL */
    int transit_encryption; /* default 1 */
    /* EFS of file_systems: (always TLS and IAM authorization; the task role gets the
     * client actions) */
    char *file_system;   /* logical name, or NULL for the file_system_id form */
    char *fs_access_point; /* logical name of one of its access points, or NULL */
    int root_access;     /* elasticfilesystem:ClientRootAccess too (default 0) */
    stack_loc loc;
} stack_volume;

typedef enum { STACK_PERM_BUCKET, STACK_PERM_SECRET, STACK_PERM_STATEMENT } stack_permission_kind;
typedef enum { STACK_ACCESS_READ, STACK_ACCESS_WRITE, STACK_ACCESS_READ_WRITE } stack_access;

typedef struct {
    stack_permission_kind kind;
    char *bucket;        /* BUCKET: logical name of a stack bucket, or NULL with bucket_name */
    char *bucket_name;   /* BUCKET: the S3 name of a bucket the stack does not own, or NULL */
    stack_access access;  /* BUCKET: default read */
    char *prefix;        /* BUCKET: key prefix, or NULL for all */
    char *conditions_json; /* BUCKET, STATEMENT: an IAM Condition block (JSON object of
                            * operator -> {key: [values]}) added to every statement, or NULL */
    char *secret;        /* SECRET: logical name (read) */
    char *statement_json; /* STATEMENT: one IAM policy statement as JSON */
    stack_loc loc;
} stack_permission;

typedef enum { STACK_PEER_SERVICE, STACK_PEER_GROUP, STACK_PEER_CIDR } stack_peer_kind;

/* Who may reach this service (ingress into the service's own group). */
typedef struct {
    stack_peer_kind kind;
    char *peer;   /* service logical name, sg-… id or CIDR (IPv4 or IPv6, normalised) */
    int port;     /* 0: every port of this service */
    stack_loc loc;
} stack_ingress;

/* A rule we add into an existing group so that this service may reach it. */
typedef struct {
    char *group;  /* sg-… */
    int port;
    char *protocol; /* "tcp" (default) or "udp" */
    stack_loc loc;
} stack_reach;

/* Where a service may send traffic (egress of its group; none given: AWS's allow-all). */
typedef enum {
    STACK_DEST_CIDR,        /* an IPv4 or IPv6 CIDR (normalised) */
    STACK_DEST_SERVICE,     /* another service's group */
    STACK_DEST_NODE,        /* a group of another section by node id: file_systems.NAME ->
                             * "sg/efs-NAME", databases.NAME -> "sg/db-NAME" */
    STACK_DEST_PREFIX_LIST, /* pl-… */
    STACK_DEST_GROUP,       /* an existing group sg-… */
    STACK_DEST_VPC          /* `vpc`: the VPC's own CIDR (its DNS resolver, endpoints) */
} stack_dest_kind;

typedef struct {
    stack_dest_kind kind;
    char *to;        /* as the kind says (NODE: the node id) */
    char *written;   /* the destination as written, for messages */
    char *protocol;  /* "tcp" (default), "udp" or "all" */
    int port, to_port; /* one port or a range; 0, 0 with protocol all */
    stack_loc loc;
} stack_egress;

/* Autoscaling of a service's desired count (Application Auto Scaling). */
typedef struct {
    char *name;      /* unique in the service */
    char *schedule;  /* as AWS takes it: "cron(0 8 ? * MON-FRI *)", "at(2026-01-01T00:00:00)",
                      * "rate(1 day)" */
    char *timezone;  /* IANA name, or NULL: UTC */
    int min, max;    /* -1: left as it is (at least one is given) */
    stack_loc loc;
} stack_schedule;

typedef struct {
    int set;
    int min, max;             /* the range autoscaling keeps the count in */
    double cpu, memory;       /* target average utilisation in percent; 0: no such policy */
    double requests;          /* target ALB requests per task per minute; 0: none */
    int scale_in_cooldown, scale_out_cooldown; /* seconds, default 300 */
    stack_schedule *schedule;
    size_t nschedule;
    stack_loc loc;
} stack_scaling;

/* The service's place in the stack's Service Connect namespace. */
typedef struct {
    int set;
    int client_only;      /* reaches the others, publishes nothing */
    int port;             /* the container port it publishes (default: its first port) */
    char *port_name;      /* the name of that port mapping (default: the service's name) */
    char *discovery_name; /* the Cloud Map service ECS makes (default: the service's name) */
    char *alias;          /* the name clients use (default: discovery_name) */
    int alias_port;       /* the port clients use (default: port) */
    stack_loc loc;
} stack_connect;

typedef enum { STACK_DEPLOY_ROLLING, STACK_DEPLOY_BLUE_GREEN, STACK_DEPLOY_CANARY, STACK_DEPLOY_LINEAR } stack_strategy;

/* One capacity provider of a strategy (cluster default or a service's own). */
typedef struct {
    char *provider;  /* FARGATE or FARGATE_SPOT */
    int weight;      /* 0..1000 (at least one of a strategy above 0) */
    int base;        /* 0..100000 tasks first placed here (one provider of a strategy) */
    stack_loc loc;
} stack_capacity;

typedef struct {
    stack_strategy strategy;   /* default rolling */
    int min_healthy_percent;  /* default 100 */
    int max_percent;          /* default 200 */
    int bake_minutes;         /* blue-green/canary/linear: 0..1440, default 5 */
    double canary_percent;    /* canary: 0.1..100, default 10 */
    int canary_bake_minutes;  /* canary: 0..1440, default 5 */
    double step_percent;      /* linear: 3..100, default 10 */
    int step_bake_minutes;    /* linear: 0..1440, default 1 */
    stack_loc loc;
} stack_deployment;

typedef struct {
    char *name;              /* logical name = ECS service name */
    stack_container *containers; /* [0] is the main container, then sidecars in file order */
    size_t ncontainers;
    int cpu, memory;         /* task size (Fargate pair); default 256 / 512 */
    stack_arch arch;          /* default X86_64 */
    int desired_count;       /* default 1 (with scaling: min, and only at creation) */
    stack_tier subnets;       /* default private when the network has private subnets (and,
                              * in a new VPC, a NAT gateway), else public */
    int public_ip;           /* default 1 in public subnets, 0 in private ones */
    int has_load_balancer;
    stack_lb_attach lb;
    int has_discovery;
    char *discovery_name;    /* DNS label in the stack namespace */
    int discovery_port;      /* default the first port */
    int log_retention_days;  /* default the stack's; 0: never expire */
    char *log_group;         /* the group it logs to: its logs.name, else the stack's
                              * logs.name, else /ecsdeploy/STACK/SERVICE */
    int log_group_shared;    /* 1 when that is the stack's logs.name group */
    stack_capacity *capacity; /* its own capacity provider strategy (`capacity:`) */
    size_t ncapacity;
    int has_capacity;        /* `capacity:` given (else the cluster's, else FARGATE) */
    int ephemeral_storage_gib; /* 0: the 20 GiB default, else 21..200 */
    stack_volume *volumes;
    size_t nvolumes;
    stack_permission *permissions;
    size_t npermissions;
    int exec;                /* ECS Exec; default 0 */
    stack_deployment deployment;
    stack_ingress *allow_from;
    size_t nallow_from;
    stack_reach *reach;
    size_t nreach;
    stack_store_use *databases; /* databases its containers use (their host, port, ... as
                                 * environment values of the container, the password as its
                                 * secret; their security group admits the service) */
    size_t ndatabases;
    stack_store_use *caches;   /* caches it uses, the same way (host and port) */
    size_t ncaches;
    stack_egress *egress;    /* none: AWS's allow-all egress stays */
    size_t negress;
    stack_scaling scaling;   /* with it, desired_count is only the count at creation */
    stack_connect connect;
    char *task_definition_json; /* raw RegisterTaskDefinition fields merged last, or NULL */
    stack_loc loc;
} stack_service;

/* ---- the cluster ------------------------------------------------------------------ */

typedef struct {
    char *insights;          /* Container Insights: "enabled", "disabled", "enhanced", or
                              * NULL (not set: the account's default) */
    stack_capacity *capacity; /* default capacity provider strategy of the services without
                              * their own; none: the FARGATE launch type */
    size_t ncapacity;
    stack_loc loc;
} stack_cluster;

/* ---- bootstrap, outputs, references --------------------------------------------- */

typedef struct {
    char *name;       /* the step's name */
    char *service;    /* where to exec */
    char *container;  /* default the main container */
    char *command;    /* run through ECS Exec; its trimmed output is the secret's value */
    char *secret;     /* logical secret name filled by this step */
    int timeout;      /* seconds, default 300 */
    stack_loc loc;
} stack_bootstrap;

typedef struct {
    char *name;
    char *value;      /* TEMPLATE */
    stack_loc loc;
} stack_output;

typedef enum {
    STACK_REF_LOAD_BALANCER,
    STACK_REF_SECRET,
    STACK_REF_BUCKET,
    STACK_REF_SERVICE,
    STACK_REF_SITE,
    STACK_REF_CI,
    STACK_REF_ZONE,
    STACK_REF_DATABASE,
    STACK_REF_CACHE,
    STACK_REF_PARAMETER,
    STACK_REF_FILE_SYSTEM
} stack_ref_kind;

typedef struct {
    stack_ref_kind kind;
    char *name;       /* logical name of the target */
    char *attr;       /* attribute, one of stack_ref_attributes(kind) */
    stack_loc loc;
} stack_ref;

/* ---- the stack ------------------------------------------------------------------- */

typedef struct stack_model {
    char *file;
    char *name;             /* stack name: `stack:` of the file, with "-ENV" when an
                             * environment is selected (every AWS name carries it) */
    char *base_name;        /* `stack:` of the file */
    char *environment;      /* the environment selected, or NULL */
    char **environments;    /* every environment the file declares */
    size_t nenvironments;
    char *region;           /* `region:` of the file, or NULL (then the command line,
                             * environment or profile decide) */
    stack_param *params;
    size_t nparams;
    stack_env *tags;         /* extra tags on every resource */
    size_t ntags;
    stack_network network;
    int log_retention_days; /* default 30; 0: never expire */
    char *log_group;        /* logs.name: the one group of every service without its own
                             * logs.name, or NULL (a group per service) */
    stack_cluster cluster;
    char *namespace_name;   /* private DNS namespace, or NULL */
    char *connect_namespace; /* Service Connect namespace (service_connect.namespace): the
                              * private DNS one when it has that name, else an HTTP
                              * namespace the stack makes; NULL: none */
    stack_secret *secrets;   /* declared ones, then those only a bootstrap step names */
    size_t nsecrets;
    stack_bucket *buckets;
    size_t nbuckets;
    stack_site *sites;
    size_t nsites;
    stack_ci ci;
    stack_zone *zones;        /* hosted zones the stack creates */
    size_t nzones;
    stack_database *databases;
    size_t ndatabases;
    stack_cache *caches;
    size_t ncaches;
    stack_file_system *file_systems;
    size_t nfile_systems;
    stack_ssm_parameter *ssm_parameters; /* parameter_store: */
    size_t nssm_parameters;
    stack_load_balancer *load_balancers;
    size_t nload_balancers;
    stack_service *services;
    size_t nservices;
    stack_bootstrap *bootstrap;
    size_t nbootstrap;
    stack_output *outputs;
    size_t noutputs;
    stack_ref *refs;         /* every reference in a template, in file order */
    size_t nrefs;
} stack_model;

typedef struct {
    const char *const *sets;      /* "NAME=VALUE" */
    int nsets;
    const char *const *set_files; /* "NAME=PATH" */
    int nset_files;
    const char *environment;      /* the environment to apply (--env), or NULL */
} stack_options;

/* The largest stack file accepted, in bytes. */
#define STACK_MAX_FILE_SIZE (1024 * 1024)

/* Load, interpolate and validate a stack file ("-": standard input, named <stdin>). On success returns 0 and *out (free with
 * stack_free). On any problem returns -1, *out is NULL and `diags` holds every problem (free
 * with stack_diags_free; d must be zeroed before the call). `opts` may be NULL. */
int stack_load_file(const char *path, const stack_options *opts, stack_model **out, stack_diags *diags);
/* The same from memory; `file` names it in messages. */
int stack_load_buffer(const char *file, const char *data, size_t len, const stack_options *opts,
                     stack_model **out, stack_diags *diags);
void stack_free(stack_model *s);

/* The resolved model as pretty-printed JSON (no secret value is ever in the model).
 * Caller frees. */
char *stack_to_json(const stack_model *s);

/* How long after a new task of the service runs ECS can first count it healthy, where AWS
 * fixes it: 40 s for a service with no load balancer and no essential container health
 * check (the scheduler's wait, ECS's minimumHealthyPercent documentation); 0 where a
 * health check decides, or for NULL. In seconds at the pace of a poll interval of poll_s:
 * ecsdeploy looks every 5 s at AWS's pace, and a shorter interval (the fake's time scale)
 * shortens AWS's times alike (40 s is 8 intervals). */
double stack_service_healthy_after(const stack_service *sv, double poll_s);

/* ---- lookups (NULL when absent) -------------------------------------------------- */
const stack_service *stack_find_service(const stack_model *s, const char *name);
const stack_secret *stack_find_secret(const stack_model *s, const char *name);
const stack_bucket *stack_find_bucket(const stack_model *s, const char *name);
const stack_site *stack_find_site(const stack_model *s, const char *name);
const stack_load_balancer *stack_find_load_balancer(const stack_model *s, const char *name);
const stack_zone *stack_find_zone(const stack_model *s, const char *name);
/* The stack's zone with the longest name that holds `domain` (itself or a name below it;
 * a leading "*." counts as below), or NULL. */
const stack_zone *stack_zone_holding(const stack_model *s, const char *domain);
const stack_database *stack_find_database(const stack_model *s, const char *name);
const stack_cache *stack_find_cache(const stack_model *s, const char *name);
const stack_param *stack_find_param(const stack_model *s, const char *name);
const stack_file_system *stack_find_file_system(const stack_model *s, const char *name);
const stack_access_point *stack_find_access_point(const stack_file_system *fs, const char *name);
const stack_ssm_parameter *stack_find_ssm_parameter(const stack_model *s, const char *name);
/* The subnet tier of a file system's mount targets: private when a service that mounts it
 * runs in private subnets, else public when one mounts it; private when none does and the
 * network has private subnets, else public. */
stack_tier stack_file_system_tier(const stack_model *s, const stack_file_system *fs);
/* 1 when a service mounts file system fs (logical name). */
int stack_service_mounts(const stack_service *svc, const char *fs);
const stack_container *stack_find_container(const stack_service *svc, const char *name);
/* The capacity provider strategy a service runs with: its own `capacity:`, else the
 * cluster's; *n = 0: none (the FARGATE launch type). Owned by the model. */
const stack_capacity *stack_service_capacity(const stack_model *s, const stack_service *v, size_t *n);
/* A strategy as JSON: [{provider, weight, base}], the form of validate --output json and
 * of the cluster's and services' properties. Caller frees (cJSON_Delete). */
struct cJSON *stack_capacity_json(const stack_capacity *cap, size_t n);
const stack_listener *stack_find_listener(const stack_load_balancer *lb, int port);
/* The first port of the main container, 0 when it has none. */
int stack_service_port(const stack_service *svc);
/* The bootstrap step that fills a secret, or NULL. */
const stack_bootstrap *stack_find_bootstrap_for(const stack_model *s, const char *secret);

/* Names for enums, as written in the file ("rolling", "per-zone", "ARM64", ...). */
const char *stack_strategy_name(stack_strategy v);
const char *stack_nat_name(stack_nat v);
const char *stack_tier_name(stack_tier v);
const char *stack_arch_name(stack_arch v);
const char *stack_dep_condition_name(stack_dep_condition v);
const char *stack_secret_source_name(stack_secret_source v);
const char *stack_ref_kind_name(stack_ref_kind v); /* "load_balancers", ... */
const char *stack_db_engine_name(stack_db_engine v); /* "postgres", "mysql" */

/* ---- templates ------------------------------------------------------------------- */

/* 1 when a template holds at least one reference. */
int stack_template_has_refs(const char *tmpl);
/* Resolver: writes the value of a reference into *value (malloc'd, freed by the caller)
 * and returns 0, or returns -1 when it is not known. */
typedef int (*stack_ref_resolver)(const stack_ref *ref, void *ud, char **value);
/* The final text of a template, every reference replaced through `resolve` (which may be
 * NULL when there are none). Caller frees. Returns NULL when a reference cannot be
 * resolved; then *unresolved (if not NULL) is set to a malloc'd "${…}" text to free. */
char *stack_template_resolve(const char *tmpl, stack_ref_resolver resolve, void *ud, char **unresolved);
/* The value of a reference that the file alone decides (buckets.X.name when the file names the bucket,
 * secrets.X.name,
 * services.X.name, services.X.host, services.X.url for a service reached through
 * discovery only, zones.X.name, load_balancers.X.domain and .url, with services.X.url
 * and .host behind it, for a balancer with a domain, and databases.X.name and .user of a
 * database the stack creates); NULL otherwise. Caller frees. */
char *stack_ref_static_value(const stack_model *s, const stack_ref *ref);

#endif
