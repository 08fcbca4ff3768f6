"""What RDS accepts, for the fake: engines and their versions, instance classes, storage
sizes, identifiers, master user names and passwords; lifecycle durations; paging; tags.
Messages follow the ones RDS answers."""

import re

from fakeaws.core import AwsError
from fakeaws.services._net.common import paginate

# ---- lifecycle durations (seconds of AWS time; the clock scales them) -------------
# A small PostgreSQL or MySQL instance spends several minutes "creating" (more for
# Multi-AZ, which builds a standby), then "backing-up" while its first automated
# snapshot is taken (only when backups are on), then "available".
CREATE_S = 300
MULTI_AZ_EXTRA_S = 120
BACKUP_S = 90
MODIFY_LIGHT_S = 60          # security groups, backup retention, password
MODIFY_HEAVY_S = 240         # class, storage, engine version, Multi-AZ
STORAGE_OPT_S = 1800         # "storage-optimization" after a storage change (hours on AWS):
                             # the instance works and takes other changes, not storage ones
DELETE_S = 180               # "deleting" until gone
FINAL_SNAPSHOT_S = 120       # the final snapshot is taken first, while "deleting"

INSTANCE_QUOTA = 40
SUBNET_GROUP_QUOTA = 50
MAX_TAGS = 50

# ---- engines ------------------------------------------------------------------------
# The versions this fake offers (a recent set of what RDS lists). The first of the list
# is the engine's default; a major version alone ("16", "8.0") means the first listed of
# that major (its default minor).
ENGINES = {
    "postgres": {
        "versions": ["17.4", "17.5", "17.2", "16.8", "16.9", "16.6", "15.12", "15.13", "15.10",
                     "14.17", "14.18", "14.15", "13.20", "13.21", "13.18"],
        "port": 5432, "license": "postgresql-license", "family": "postgres{major}",
        "option_group": "default:postgres-{major}", "password_max": 128, "user_max": 63,
        "dbname_max": 63,
    },
    "mysql": {
        "versions": ["8.0.41", "8.0.42", "8.0.40", "8.4.4", "8.4.5", "8.4.3"],
        "port": 3306, "license": "general-public-license", "family": "mysql{major}",
        "option_group": "default:mysql-{major_us}", "password_max": 41, "user_max": 32,
        "dbname_max": 64,
    },
}

CLASS_RX = re.compile(r"db\.(t3|t4g)\.(micro|small|medium|large|xlarge|2xlarge)"
                      r"|db\.(m5|m6g|m6i|m7g|r5|r6g|r6i|r7g)\."
                      r"(large|xlarge|2xlarge|4xlarge|8xlarge|12xlarge|16xlarge)")

STORAGE = {           # type -> (min GiB, max GiB) for PostgreSQL and MySQL
    "gp2": (20, 65536), "gp3": (20, 65536), "io1": (100, 65536), "io2": (100, 65536),
    "standard": (5, 3072),
}

# Route 53 zone of RDS endpoints per region (Endpoint.HostedZoneId).
RDS_ZONES = {"us-east-1": "Z2R2ITUGPM61AM", "us-west-2": "Z1PVIF0B656C1W",
             "eu-west-1": "Z29XKXDKYMONMX"}


def major(engine, version):
    return version.split(".")[0] if engine == "postgres" else ".".join(version.split(".")[:2])


def engine_version(engine, version):
    """The full version RDS uses for the requested one (default, major or exact)."""
    spec = ENGINES[engine]
    if not version:
        return spec["versions"][0]
    if version in spec["versions"]:
        return version
    same = [v for v in spec["versions"] if major(engine, v) == version]
    if same:
        return same[0]
    raise AwsError("InvalidParameterCombination", f"Cannot find version {version} for {engine}")


def check_engine(engine):
    if engine not in ENGINES:
        raise AwsError("InvalidParameterValue", f"Invalid DB engine: {engine}")


def check_class(cls, engine, version):
    if not CLASS_RX.fullmatch(cls or ""):
        raise AwsError("InvalidParameterCombination",
                       "RDS does not support creating a DB instance with the following "
                       f"combination: DBInstanceClass={cls}, Engine={engine}, "
                       f"EngineVersion={version}, LicenseModel={ENGINES[engine]['license']}. "
                       "For supported combinations of instance class and database engine "
                       "version, see the documentation.")


def check_storage(engine, stype, size, iops):
    if size is None:
        raise AwsError("InvalidParameterValue",
                       "The parameter AllocatedStorage must be provided and must not be null.")
    if stype not in STORAGE:
        raise AwsError("InvalidParameterValue", f"Invalid storage type: {stype}")
    lo, hi = STORAGE[stype]
    if not lo <= size <= hi:
        raise AwsError("InvalidParameterValue",
                       f"Invalid storage size for engine name {engine} and storage type {stype}: {size}")
    if stype in ("io1", "io2") and not iops:
        raise AwsError("InvalidParameterCombination",
                       f"You must specify the Iops parameter for storage type {stype}.")
    if stype == "gp3" and iops and size < 400:
        raise AwsError("InvalidParameterCombination",
                       f"You can't specify IOPS or storage throughput for engine {engine} and a "
                       "storage size less than 400.")


ID_RX = re.compile(r"[A-Za-z](?:-?[A-Za-z0-9])*")


def check_identifier(value, param="DBInstanceIdentifier", max_len=63):
    if not value or len(value) > max_len or not ID_RX.fullmatch(value):
        raise AwsError("InvalidParameterValue",
                       f"The parameter {param} is not a valid identifier. Identifiers must begin "
                       "with a letter; must contain only ASCII letters, digits, and hyphens; and "
                       "must not end with a hyphen or contain two consecutive hyphens.")
    return value.lower()


SUBNET_GROUP_RX = re.compile(r"[A-Za-z][A-Za-z0-9._ -]{0,254}")


def check_subnet_group_name(name):
    if not SUBNET_GROUP_RX.fullmatch(name or ""):
        raise AwsError("InvalidParameterValue",
                       "Invalid DB subnet group name: must contain no more than 255 letters, "
                       "numbers, periods, underscores, spaces, or hyphens, and begin with a letter.")
    if name.lower() == "default":
        raise AwsError("InvalidParameterValue", "DBSubnetGroupName must not be \"default\".")
    return name.lower()


def check_master(engine, username, password, managed):
    spec = ENGINES[engine]
    if not username:
        raise AwsError("InvalidParameterValue",
                       "The parameter MasterUsername must be provided and must not be blank.")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", username) or len(username) > spec["user_max"]:
        raise AwsError("InvalidParameterValue",
                       "The parameter MasterUsername is not a valid identifier. Identifiers must "
                       "begin with a letter; must contain only ASCII letters, digits, and "
                       f"underscores; and must not exceed {spec['user_max']} characters.")
    if username.lower() == "rdsadmin":
        raise AwsError("InvalidParameterValue", f"MasterUsername {username} cannot be used as it "
                       "is a reserved word used by the engine")
    if managed and password is not None:
        raise AwsError("InvalidParameterCombination",
                       "You can't specify MasterUserPassword when ManageMasterUserPassword is "
                       "turned on.")
    if not managed:
        check_password(engine, password)


def check_password(engine, password):
    if password is None or password == "":
        raise AwsError("InvalidParameterValue",
                       "The parameter MasterUserPassword must be provided and must not be blank.")
    if len(password) < 8:
        raise AwsError("InvalidParameterValue", "The parameter MasterUserPassword is not a valid "
                       "password because it is shorter than 8 characters.")
    if len(password) > ENGINES[engine]["password_max"]:
        raise AwsError("InvalidParameterValue", "The parameter MasterUserPassword is not a valid "
                       f"password because it is longer than {ENGINES[engine]['password_max']} "
                       "characters.")
    if any(not (33 <= ord(c) <= 126) or c in "/@\"" for c in password):
        raise AwsError("InvalidParameterValue", "The parameter MasterUserPassword is not a valid "
                       "password. Only printable ASCII characters besides '/', '@', '\"', ' ' "
                       "may be used.")


def check_db_name(engine, name):
    if name is None:
        return
    spec = ENGINES[engine]
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) or len(name) > spec["dbname_max"]:
        raise AwsError("InvalidParameterValue",
                       f"The parameter DBName is not a valid identifier. Identifiers must begin "
                       "with a letter; must contain only ASCII letters, digits, and underscores; "
                       f"and must not exceed {spec['dbname_max']} characters.")


def check_backup_retention(days):
    if days is not None and not 0 <= days <= 35:
        raise AwsError("InvalidParameterValue",
                       f"Invalid backup retention period: {days}. Must be between 0 and 35.")


def check_port(port):
    if port is not None and not 1150 <= port <= 65535:
        raise AwsError("InvalidParameterValue",
                       f"Invalid port {port}. Valid values are 1150-65535.")


def page(items, req, key):
    """Marker/MaxRecords paging with RDS's bounds (20 to 100, default 100)."""
    n = req.get("MaxRecords")
    if n is not None and not 20 <= n <= 100:
        raise AwsError("InvalidParameterValue",
                       f"Invalid value {n} for MaxRecords. Must be between 20 and 100")
    return paginate(items, req, key, token_field="Marker", limit_field="MaxRecords",
                    default_limit=100, out_field="Marker", bad_token_code="InvalidParameterValue")


def tags_in(tags):
    out = {}
    for t in tags or []:
        key = t.get("Key")
        if not key:
            raise AwsError("InvalidParameterValue", "Tag keys must not be empty")
        if key.lower().startswith("aws:"):
            raise AwsError("InvalidParameterValue",
                           "Tag keys can not start with 'aws:' (reserved for internal use)")
        out[key] = t.get("Value", "")
    if len(out) > MAX_TAGS:
        raise AwsError("InvalidParameterValue",
                       f"Cannot have more than {MAX_TAGS} tags on a resource")
    return out


def tag_list(tags):
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def match_filters(filters, values):
    """Describe* Filters: values is {filter name: [strings]} for one item; an unknown filter
    name is refused."""
    for f in filters or []:
        name = f.get("Name")
        if name not in values:
            raise AwsError("InvalidParameterValue", f"Unrecognized filter name: {name}.")
        if not set(f.get("Values") or []) & set(values[name]):
            return False
    return True
